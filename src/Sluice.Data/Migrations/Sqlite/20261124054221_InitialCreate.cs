using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    entity_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    entity_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    old_value = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: true),
                    new_value = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

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
                name: "channel_accounts",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    protocol = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    service_provider_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    sub_merchant_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    payment_methods = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    credentials_ciphertext = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "channel_callbacks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    channel_account_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    verified = table.Column<bool>(type: "INTEGER", nullable: false),
                    rejection_reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    order_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    notice_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    effect = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_callbacks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "channel_daily_usage",
                columns: table => new
                {
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    business_day = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    reserved_amount = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channel_daily_usage", x => new { x.channel_code, x.business_day });
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
                name: "idempotency_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    operation = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    request_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    response_status = table.Column<int>(type: "INTEGER", nullable: true),
                    response_body = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "limit_reservations",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    business_day = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    reserved_at = table.Column<long>(type: "INTEGER", nullable: false),
                    released_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_limit_reservations", x => new { x.order_id, x.channel_code });
                });

            migrationBuilder.CreateTable(
                name: "payment_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    from_status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    to_status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_events", x => x.id);
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
                name: "payment_routing",
                columns: table => new
                {
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    rule_set = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    strategy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    chosen_channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    catalog_version = table.Column<long>(type: "INTEGER", nullable: false),
                    explanation_json = table.Column<string>(type: "TEXT", maxLength: 262144, nullable: false),
                    decided_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_routing", x => x.payment_id);
                });

            migrationBuilder.CreateTable(
                name: "sandbox_transactions",
                columns: table => new
                {
                    trade_no = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    out_trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    original_trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    notify_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    return_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    fail_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sandbox_transactions", x => x.trade_no);
                });

            migrationBuilder.CreateTable(
                name: "service_providers",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_providers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    delivery_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    attempt_number = table.Column<int>(type: "INTEGER", nullable: false),
                    node_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    response_status = table.Column<int>(type: "INTEGER", nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    payload = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    attempt_count = table.Column<int>(type: "INTEGER", nullable: false),
                    round_attempt_count = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    delivered_at = table.Column<long>(type: "INTEGER", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
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

            migrationBuilder.CreateTable(
                name: "merchants",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    service_provider_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merchants", x => x.id);
                    table.ForeignKey(
                        name: "fk_merchants_service_providers_service_provider_id",
                        column: x => x.service_provider_id,
                        principalTable: "service_providers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "apps",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    merchant_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    notify_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    webhook_secret_ciphertext = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_apps", x => x.id);
                    table.ForeignKey(
                        name: "fk_apps_merchants_merchant_id",
                        column: x => x.merchant_id,
                        principalTable: "merchants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    prefix = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    revoked_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_keys_apps_app_id",
                        column: x => x.app_id,
                        principalTable: "apps",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    app_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    merchant_order_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    payment_method = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    notify_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    return_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    client_ip = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    metadata_json = table.Column<string>(type: "TEXT", maxLength: 8192, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    channel_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    channel_account_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    channel_trade_no = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    pay_url = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    pay_action_type = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    last_channel_outcome = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    raw_message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    failure_code = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    failure_message = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    paid_at = table.Column<long>(type: "INTEGER", nullable: true),
                    closed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payments", x => x.id);
                    table.ForeignKey(
                        name: "fk_payments_apps_app_id",
                        column: x => x.app_id,
                        principalTable: "apps",
                        principalColumn: "id",
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
                name: "ix_api_keys_app_id",
                table: "api_keys",
                column: "app_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_prefix",
                table: "api_keys",
                column: "prefix",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_apps_merchant_id",
                table: "apps",
                column: "merchant_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_entity_type_entity_id",
                table: "audit_entries",
                columns: new[] { "entity_type", "entity_id" });

            migrationBuilder.CreateIndex(
                name: "ix_channel_accounts_channel_code",
                table: "channel_accounts",
                column: "channel_code");

            migrationBuilder.CreateIndex(
                name: "ix_channel_accounts_merchant_id",
                table: "channel_accounts",
                column: "merchant_id");

            migrationBuilder.CreateIndex(
                name: "ix_channel_banks_bank_code",
                table: "channel_banks",
                column: "bank_code");

            migrationBuilder.CreateIndex(
                name: "ix_channel_callbacks_channel_account_id_received_at",
                table: "channel_callbacks",
                columns: new[] { "channel_account_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_channel_callbacks_order_id",
                table: "channel_callbacks",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_channel_method_fees_payment_method",
                table: "channel_method_fees",
                column: "payment_method");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_app_id_key",
                table: "idempotency_records",
                columns: new[] { "app_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_limit_reservations_channel_code_business_day",
                table: "limit_reservations",
                columns: new[] { "channel_code", "business_day" });

            migrationBuilder.CreateIndex(
                name: "ix_maintenance_windows_channel_code",
                table: "maintenance_windows",
                column: "channel_code");

            migrationBuilder.CreateIndex(
                name: "ix_merchants_service_provider_id",
                table: "merchants",
                column: "service_provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_events_payment_id",
                table: "payment_events",
                column: "payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_payments_app_id_merchant_order_no",
                table: "payments",
                columns: new[] { "app_id", "merchant_order_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payments_status_expires_at",
                table: "payments",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_sandbox_transactions_merchant_no_kind_out_trade_no",
                table: "sandbox_transactions",
                columns: new[] { "merchant_no", "kind", "out_trade_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_webhook_attempts_delivery_id",
                table: "webhook_attempts",
                column: "delivery_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_app_id",
                table: "webhook_deliveries",
                column: "app_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_event_id",
                table: "webhook_deliveries",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_status_next_attempt_at",
                table: "webhook_deliveries",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "catalog_versions");

            migrationBuilder.DropTable(
                name: "channel_accounts");

            migrationBuilder.DropTable(
                name: "channel_banks");

            migrationBuilder.DropTable(
                name: "channel_callbacks");

            migrationBuilder.DropTable(
                name: "channel_daily_usage");

            migrationBuilder.DropTable(
                name: "channel_method_fees");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "limit_reservations");

            migrationBuilder.DropTable(
                name: "maintenance_windows");

            migrationBuilder.DropTable(
                name: "payment_events");

            migrationBuilder.DropTable(
                name: "payment_routing");

            migrationBuilder.DropTable(
                name: "payments");

            migrationBuilder.DropTable(
                name: "sandbox_transactions");

            migrationBuilder.DropTable(
                name: "webhook_attempts");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "payment_methods");

            migrationBuilder.DropTable(
                name: "channels");

            migrationBuilder.DropTable(
                name: "apps");

            migrationBuilder.DropTable(
                name: "merchants");

            migrationBuilder.DropTable(
                name: "service_providers");
        }
    }
}
