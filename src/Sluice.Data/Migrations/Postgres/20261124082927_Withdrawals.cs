using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Withdrawals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "withdrawal_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    withdrawal_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    from_status = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    to_status = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    detail = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_withdrawal_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "withdrawals",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    app_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    merchant_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    merchant_withdrawal_no = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    payee_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    payee_account_ciphertext = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    payee_account_masked = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    payee_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    bank_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    remark = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    notify_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    hold_reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    held_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    channel_code = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    channel_account_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    channel_reference = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    last_channel_outcome = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    raw_code = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    raw_sub_code = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    raw_message = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    result_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    failure_code = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    failure_message = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    failure_message_zh = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    returned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_query_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    query_count = table.Column<int>(type: "integer", nullable: false),
                    lease_owner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    succeeded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    failed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_withdrawals", x => x.id);
                    table.ForeignKey(
                        name: "fk_withdrawals_apps_app_id",
                        column: x => x.app_id,
                        principalTable: "apps",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_withdrawal_events_withdrawal_id",
                table: "withdrawal_events",
                column: "withdrawal_id");

            migrationBuilder.CreateIndex(
                name: "ix_withdrawals_app_id_merchant_withdrawal_no",
                table: "withdrawals",
                columns: new[] { "app_id", "merchant_withdrawal_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_withdrawals_status_next_query_at",
                table: "withdrawals",
                columns: new[] { "status", "next_query_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "withdrawal_events");

            migrationBuilder.DropTable(
                name: "withdrawals");
        }
    }
}
