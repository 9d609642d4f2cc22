using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RequestHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "lease_expires_at",
                table: "idempotency_records",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_signing_secret_ciphertext",
                table: "apps",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "request_nonces",
                columns: table => new
                {
                    app_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    nonce = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_nonces", x => new { x.app_id, x.nonce });
                });

            migrationBuilder.CreateIndex(
                name: "ix_request_nonces_expires_at",
                table: "request_nonces",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "request_nonces");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "idempotency_records");

            migrationBuilder.DropColumn(
                name: "request_signing_secret_ciphertext",
                table: "apps");
        }
    }
}
