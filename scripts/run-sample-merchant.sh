#!/usr/bin/env bash
# Runs the sample merchant app (samples/Sluice.Sample.Merchant) against a running quick-start gateway:
# creates an app of the demo merchant through the admin API (its API key and webhook secret are shown once, so the
# script passes them straight to the sample), then starts the sample on http://127.0.0.1:5100.
#   SLUICE_GATEWAY     the gateway (default http://127.0.0.1:5080)
#   SLUICE_ADMIN_TOKEN the admin token (default: the one the gateway generated in src/Sluice.Server/data/admin-token)
#   SAMPLE_URL         where the sample listens and the gateway sends its webhooks (default http://127.0.0.1:5100)
set -euo pipefail
cd "$(dirname "$0")/.."
GATEWAY=${SLUICE_GATEWAY:-http://127.0.0.1:5080}
SAMPLE_URL=${SAMPLE_URL:-http://127.0.0.1:5100}
TOKEN=${SLUICE_ADMIN_TOKEN:-$(cat src/Sluice.Server/data/admin-token)}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
admin() { curl -sf "$GATEWAY/admin/api/$1" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" "${@:2}"; }

MERCHANT=$(admin merchants | json 'd[0]["id"]')
APP_JSON=$(admin apps -d "{\"merchant_id\":\"$MERCHANT\",\"name\":\"Sample shop\",\"notify_url\":\"$SAMPLE_URL/webhooks/sluice\"}")
APP_ID=$(echo "$APP_JSON" | json 'd["app"]["id"]')
WEBHOOK_SECRET=$(echo "$APP_JSON" | json 'd["webhook_secret"]')
API_KEY=$(admin "apps/$APP_ID/api-keys" -X POST | json 'd["secret"]')
echo "Sample shop app $APP_ID of merchant $MERCHANT; the shop listens on $SAMPLE_URL"
echo "Try: curl -s -X POST $SAMPLE_URL/checkout -H 'Content-Type: application/json' -d '{\"amount\":2599,\"subject\":\"Coffee beans\"}'"

Sluice__BaseAddress="$GATEWAY/" Sluice__ApiKey="$API_KEY" Sluice__WebhookSecret="$WEBHOOK_SECRET" \
  Sample__PublicUrl="$SAMPLE_URL/" Urls="$SAMPLE_URL" \
  exec dotnet run --project samples/Sluice.Sample.Merchant
