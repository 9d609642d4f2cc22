using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RefundsAndSupplementaryQueries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "refunded_amount",
                table: "payments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "channel_queries",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel_account_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    attempt_count = table.Column<int>(type: "INTEGER", nullable: false),
                    next_query_at = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_result = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_queries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "refund_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    refund_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    from_status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    to_status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refund_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "refunds",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_refund_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    bearer = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    channel_account_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    notify_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    channel_refund_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    last_channel_outcome = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    result_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    failure_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    failure_message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    failure_message_zh = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    exception_reason = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    resolution_note = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    overdue_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    refunded_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refunds", x => x.id);
                    table.ForeignKey(
                        name: "fk_refunds_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_channel_queries_kind_order_id",
                table: "channel_queries",
                columns: new[] { "kind", "order_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_channel_queries_status_next_query_at",
                table: "channel_queries",
                columns: new[] { "status", "next_query_at" });

            migrationBuilder.CreateIndex(
                name: "ix_refund_events_refund_id",
                table: "refund_events",
                column: "refund_id");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_app_id_merchant_refund_no",
                table: "refunds",
                columns: new[] { "app_id", "merchant_refund_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_overdue_at",
                table: "refunds",
                column: "overdue_at");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_payment_id",
                table: "refunds",
                column: "payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_status_created_at",
                table: "refunds",
                columns: new[] { "status", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "channel_queries");

            migrationBuilder.DropTable(
                name: "refund_events");

            migrationBuilder.DropTable(
                name: "refunds");

            migrationBuilder.DropColumn(
                name: "refunded_amount",
                table: "payments");
        }
    }
}
