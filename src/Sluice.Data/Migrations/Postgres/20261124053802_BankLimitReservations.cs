using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
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

            migrationBuilder.AlterColumn<string>(
                name: "channel_code",
                table: "limit_reservations",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AlterColumn<string>(
                name: "channel_code",
                table: "channel_daily_usage",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

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

            migrationBuilder.AlterColumn<string>(
                name: "channel_code",
                table: "limit_reservations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.AlterColumn<string>(
                name: "channel_code",
                table: "channel_daily_usage",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.AddPrimaryKey(
                name: "pk_limit_reservations",
                table: "limit_reservations",
                column: "order_id");
        }
    }
}
