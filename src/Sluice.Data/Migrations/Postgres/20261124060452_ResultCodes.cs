using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ResultCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "failure_message_zh",
                table: "payments",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "result_code",
                table: "payments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "result_code_overrides",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    unified_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    effect = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    retryable = table.Column<bool>(type: "boolean", nullable: false),
                    message_en = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    message_zh = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_code_overrides", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateTable(
                name: "unmapped_result_codes",
                columns: table => new
                {
                    protocol = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    flow = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    raw_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    raw_sub_code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sample_message = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmapped_result_codes", x => new { x.protocol, x.flow, x.raw_code, x.raw_sub_code });
                });

            migrationBuilder.CreateIndex(
                name: "ix_unmapped_result_codes_last_seen_at",
                table: "unmapped_result_codes",
                column: "last_seen_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "result_code_overrides");

            migrationBuilder.DropTable(
                name: "unmapped_result_codes");

            migrationBuilder.DropColumn(
                name: "failure_message_zh",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "result_code",
                table: "payments");
        }
    }
}
