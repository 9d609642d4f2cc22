using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
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
                    channel_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    business_day = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    reserved_amount = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_daily_usage", x => new { x.channel_code, x.business_day });
                });

            migrationBuilder.CreateTable(
                name: "limit_reservations",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    channel_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    business_day = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    reserved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
