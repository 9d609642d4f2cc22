using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChannelCatalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalog_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "channels",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    institution_name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    business_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    payment_methods = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    environments = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    product_codes = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    currencies = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    limit_currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    weight = table.Column<int>(type: "INTEGER", nullable: false),
                    single_min_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    single_max_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    daily_limit_minor = table.Column<long>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channels", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "payment_methods",
                columns: table => new
                {
                    code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_methods", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "channel_banks",
                columns: table => new
                {
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    bank_code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    card_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    single_max_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    daily_limit_minor = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_banks", x => new { x.channel_code, x.bank_code, x.card_type });
                    table.ForeignKey(
                        name: "fk_channel_banks_channels_channel_code",
                        column: x => x.channel_code,
                        principalTable: "channels",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "maintenance_windows",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    starts_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: true),
                    local_start = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    local_end = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    days_of_week_mask = table.Column<int>(type: "INTEGER", nullable: false),
                    time_zone_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_maintenance_windows", x => x.id);
                    table.ForeignKey(
                        name: "fk_maintenance_windows_channels_channel_code",
                        column: x => x.channel_code,
                        principalTable: "channels",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "channel_method_fees",
                columns: table => new
                {
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    payment_method = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    rate_ppm = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_method_fees", x => new { x.channel_code, x.payment_method });
                    table.ForeignKey(
                        name: "fk_channel_method_fees_channels_channel_code",
                        column: x => x.channel_code,
                        principalTable: "channels",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_channel_method_fees_payment_methods_payment_method",
                        column: x => x.payment_method,
                        principalTable: "payment_methods",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "catalog_versions",
                columns: new[] { "id", "version" },
                values: new object[] { 1, 1L });

            migrationBuilder.InsertData(
                table: "payment_methods",
                columns: new[] { "code", "created_at", "enabled", "kind", "name", "updated_at", "version" },
                values: new object[,]
                {
                    { "alipay_app", 1309308420096000000L, true, "Payment", "Alipay app", 1309308420096000000L, 1 },
                    { "alipay_page", 1309308420096000000L, true, "Payment", "Alipay PC web", 1309308420096000000L, 1 },
                    { "alipay_qr", 1309308420096000000L, true, "Payment", "Alipay QR code", 1309308420096000000L, 1 },
                    { "alipay_wap", 1309308420096000000L, true, "Payment", "Alipay mobile web", 1309308420096000000L, 1 },
                    { "bank_card", 1309308420096000000L, true, "Payment", "Bank card", 1309308420096000000L, 1 },
                    { "unionpay_gateway", 1309308420096000000L, true, "Payment", "UnionPay online gateway", 1309308420096000000L, 1 },
                    { "unionpay_qr", 1309308420096000000L, true, "Payment", "UnionPay QR code", 1309308420096000000L, 1 },
                    { "wechat_app", 1309308420096000000L, true, "Payment", "WeChat Pay app", 1309308420096000000L, 1 },
                    { "wechat_h5", 1309308420096000000L, true, "Payment", "WeChat Pay H5", 1309308420096000000L, 1 },
                    { "wechat_jsapi", 1309308420096000000L, true, "Payment", "WeChat Pay JSAPI", 1309308420096000000L, 1 },
                    { "wechat_mini_program", 1309308420096000000L, true, "Payment", "WeChat Pay mini-program", 1309308420096000000L, 1 },
                    { "wechat_native", 1309308420096000000L, true, "Payment", "WeChat Pay native (QR)", 1309308420096000000L, 1 },
                    { "withdraw_bank_account", 1309308420096000000L, true, "Withdrawal", "Withdrawal to bank account", 1309308420096000000L, 1 },
                    { "withdraw_wallet", 1309308420096000000L, true, "Withdrawal", "Withdrawal to wallet", 1309308420096000000L, 1 }
                });

            migrationBuilder.CreateIndex(
                name: "ix_channel_accounts_channel_code",
                table: "channel_accounts",
                column: "channel_code");

            migrationBuilder.CreateIndex(
                name: "ix_channel_banks_bank_code",
                table: "channel_banks",
                column: "bank_code");

            migrationBuilder.CreateIndex(
                name: "ix_channel_method_fees_payment_method",
                table: "channel_method_fees",
                column: "payment_method");

            migrationBuilder.CreateIndex(
                name: "ix_maintenance_windows_channel_code",
                table: "maintenance_windows",
                column: "channel_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_versions");

            migrationBuilder.DropTable(
                name: "channel_banks");

            migrationBuilder.DropTable(
                name: "channel_method_fees");

            migrationBuilder.DropTable(
                name: "maintenance_windows");

            migrationBuilder.DropTable(
                name: "payment_methods");

            migrationBuilder.DropTable(
                name: "channels");

            migrationBuilder.DropIndex(
                name: "ix_channel_accounts_channel_code",
                table: "channel_accounts");
        }
    }
}
