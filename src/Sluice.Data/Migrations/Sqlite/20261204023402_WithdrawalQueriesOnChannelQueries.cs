using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WithdrawalQueriesOnChannelQueries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "protocol",
                table: "channel_queries",
                type: "TEXT",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32);

            migrationBuilder.AlterColumn<string>(
                name: "channel_account_id",
                table: "channel_queries",
                type: "TEXT",
                maxLength: 40,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 40);

            // Open withdrawals were queried over their own columns; their query rows now live with the others'.
            migrationBuilder.Sql(
                """
                INSERT INTO channel_queries (id, kind, order_id, channel_account_id, protocol, status, attempt_count, next_query_at,
                    lease_owner, lease_expires_at, last_result, created_at, updated_at)
                SELECT 'cq_' || w.id, 'Withdrawal', w.id, w.channel_account_id, a.protocol, 'Pending', w.query_count,
                    COALESCE(w.next_query_at, w.updated_at), NULL, NULL, NULL, w.created_at, w.updated_at
                FROM withdrawals w LEFT JOIN channel_accounts a ON a.id = w.channel_account_id
                WHERE w.status IN ('Created', 'Held', 'Pending')
                  AND NOT EXISTS (SELECT 1 FROM channel_queries q WHERE q.kind = 'Withdrawal' AND q.order_id = w.id);
                """);

            migrationBuilder.DropIndex(
                name: "ix_withdrawals_status_next_query_at",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "lease_owner",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "next_query_at",
                table: "withdrawals");

            migrationBuilder.DropColumn(
                name: "query_count",
                table: "withdrawals");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "lease_expires_at",
                table: "withdrawals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lease_owner",
                table: "withdrawals",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "next_query_at",
                table: "withdrawals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "query_count",
                table: "withdrawals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "protocol",
                table: "channel_queries",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 32,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "channel_account_id",
                table: "channel_queries",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 40,
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_withdrawals_status_next_query_at",
                table: "withdrawals",
                columns: new[] { "status", "next_query_at" });
        }
    }
}
