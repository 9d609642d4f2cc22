using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BankLimitReservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_limit_reservations",
                table: "limit_reservations");

            migrationBuilder.AddPrimaryKey(
                name: "pk_limit_reservations",
                table: "limit_reservations",
                columns: new[] { "order_id", "channel_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_limit_reservations",
                table: "limit_reservations");

            migrationBuilder.AddPrimaryKey(
                name: "pk_limit_reservations",
                table: "limit_reservations",
                column: "order_id");
        }
    }
}
