using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MerchantLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "order_id",
                table: "webhook_deliveries",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_withdrawals_app_id_id",
                table: "withdrawals",
                columns: new[] { "app_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_app_id_event_id",
                table: "webhook_deliveries",
                columns: new[] { "app_id", "event_id" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_app_id_order_id",
                table: "webhook_deliveries",
                columns: new[] { "app_id", "order_id" });

            migrationBuilder.CreateIndex(
                name: "ix_refunds_app_id_id",
                table: "refunds",
                columns: new[] { "app_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_app_id_id",
                table: "payments",
                columns: new[] { "app_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_withdrawals_app_id_id",
                table: "withdrawals");

            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_app_id_event_id",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "ix_webhook_deliveries_app_id_order_id",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "ix_refunds_app_id_id",
                table: "refunds");

            migrationBuilder.DropIndex(
                name: "ix_payments_app_id_id",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "order_id",
                table: "webhook_deliveries");
        }
    }
}
