using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoutingRulesAndResultCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "failure_message_zh",
                table: "payments",
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "result_code",
                table: "payments",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "routing_rule_set",
                table: "merchants",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "result_code_overrides",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    unified_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    effect = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    retryable = table.Column<bool>(type: "INTEGER", nullable: false),
                    message_en = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    message_zh = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_code_overrides", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateTable(
                name: "routing_rule_sets",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    strategy = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    fee_weight = table.Column<double>(type: "REAL", nullable: false),
                    weight_weight = table.Column<double>(type: "REAL", nullable: false),
                    success_rate_weight = table.Column<double>(type: "REAL", nullable: false),
                    latency_weight = table.Column<double>(type: "REAL", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_rule_sets", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "unmapped_result_codes",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    count = table.Column<long>(type: "INTEGER", nullable: false),
                    first_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<long>(type: "INTEGER", nullable: false),
                    sample_message = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmapped_result_codes", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateTable(
                name: "routing_whitelist",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    rule_set_name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    value = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    channel_codes = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_routing_whitelist", x => x.id);
                    table.ForeignKey(
                        name: "fk_routing_whitelist_routing_rule_sets_rule_set_name",
                        column: x => x.rule_set_name,
                        principalTable: "routing_rule_sets",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "routing_rule_sets",
                columns: new[] { "name", "created_at", "description", "fee_weight", "latency_weight", "strategy", "success_rate_weight", "updated_at", "version", "weight_weight" },
                values: new object[] { "default", 1309308420096000000L, "Used by every merchant without a rule set of its own.", 0.40000000000000002, 0.10000000000000001, "Score", 0.20000000000000001, 1309308420096000000L, 1, 0.29999999999999999 });

            migrationBuilder.CreateIndex(
                name: "ix_merchants_routing_rule_set",
                table: "merchants",
                column: "routing_rule_set");

            migrationBuilder.CreateIndex(
                name: "ix_routing_whitelist_rule_set_name_kind_value",
                table: "routing_whitelist",
                columns: new[] { "rule_set_name", "kind", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_unmapped_result_codes_last_seen_at",
                table: "unmapped_result_codes",
                column: "last_seen_at");

            migrationBuilder.AddForeignKey(
                name: "fk_merchants_routing_rule_sets_routing_rule_set",
                table: "merchants",
                column: "routing_rule_set",
                principalTable: "routing_rule_sets",
                principalColumn: "name",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_merchants_routing_rule_sets_routing_rule_set",
                table: "merchants");

            migrationBuilder.DropTable(
                name: "result_code_overrides");

            migrationBuilder.DropTable(
                name: "routing_whitelist");

            migrationBuilder.DropTable(
                name: "unmapped_result_codes");

            migrationBuilder.DropTable(
                name: "routing_rule_sets");

            migrationBuilder.DropIndex(
                name: "ix_merchants_routing_rule_set",
                table: "merchants");

            migrationBuilder.DropColumn(
                name: "failure_message_zh",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "result_code",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "routing_rule_set",
                table: "merchants");
        }
    }
}
