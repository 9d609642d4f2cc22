using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResultCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "failure_message_zh",
                table: "payments",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "result_code",
                table: "payments",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "result_code_overrides",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    unified_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    effect = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    retryable = table.Column<bool>(type: "INTEGER", nullable: false),
                    message_en = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    message_zh = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_code_overrides", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateTable(
                name: "unmapped_result_codes",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false),
                    first_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sample_message = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmapped_result_codes", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateIndex(
                name: "ix_unmapped_result_codes_last_seen_at",
                table: "unmapped_result_codes",
                column: "last_seen_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "result_code_overrides");

            migrationBuilder.DropTable(
                name: "unmapped_result_codes");

            migrationBuilder.DropColumn(
                name: "failure_message_zh",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "result_code",
                table: "payments");
        }
    }
}
