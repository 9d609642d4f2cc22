using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DailyLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "channel_daily_usage",
                columns: table => new
                {
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    business_day = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    reserved_amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_daily_usage", x => new { x.channel_code, x.business_day });
                });

            migrationBuilder.CreateTable(
                name: "limit_reservations",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    business_day = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved_at = table.Column<long>(type: "INTEGER", nullable: false),
                    released_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_limit_reservations", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_limit_reservations_channel_code_business_day",
                table: "limit_reservations",
                columns: new[] { "channel_code", "business_day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "channel_daily_usage");

            migrationBuilder.DropTable(
                name: "limit_reservations");
        }
    }
}
