using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RefundPayBack : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "refund_id",
                table: "withdrawals",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_back_payee_account",
                table: "refunds",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_back_payee_type",
                table: "refunds",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pay_back_withdrawal_id",
                table: "refunds",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_withdrawals_refund_id",
                table: "withdrawals",
                column: "refund_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_withdrawals_refund_id",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "refund_id",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "pay_back_payee_account",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "pay_back_payee_type",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "pay_back_withdrawal_id",
                table: "refunds");
        }
    }
}
