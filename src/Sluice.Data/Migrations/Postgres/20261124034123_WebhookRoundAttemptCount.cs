using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sluice.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookRoundAttemptCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "round_attempt_count",
                table: "webhook_deliveries",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Until now the attempt count was also the position in the retry schedule.
            migrationBuilder.Sql("UPDATE webhook_deliveries SET round_attempt_count = attempt_count;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "round_attempt_count",
                table: "webhook_deliveries");
        }
    }
}
