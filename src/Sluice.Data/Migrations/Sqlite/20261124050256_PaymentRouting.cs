using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PaymentRouting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payment_routing",
                columns: table => new
                {
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    rule_set = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    strategy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    chosen_channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    catalog_version = table.Column<long>(type: "INTEGER", nullable: false),
                    explanation_json = table.Column<string>(type: "TEXT", maxLength: 262144, nullable: false),
                    decided_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_routing", x => x.payment_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_routing");
        }
    }
}
