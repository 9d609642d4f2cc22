#!/usr/bin/env bash
# Walks one payment through the real Alipay protocol against the channel simulator, as an operator would set it up:
#   terminal 1: dotnet run --project src/Sluice.Server
#   terminal 2: dotnet run --project src/Sluice.Simulator
#   terminal 3: SLUICE_KEY=sk_test_... scripts/try-alipay-simulator.sh
# It registers an Alipay app at the simulator, creates an `alipay-sim` channel and a channel account for the demo
# merchant through the admin API, creates an alipay_qr payment, lets the payer pay in the simulated Alipay, and shows
# the payment after Alipay's signed notice reached the gateway. Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
GATEWAY="${GATEWAY:-http://127.0.0.1:5080}"
SIMULATOR="${SIMULATOR:-http://127.0.0.1:5090}"
ADMIN_TOKEN="${ADMIN_TOKEN:-$(cat src/Sluice.Server/data/admin-token)}"
: "${SLUICE_KEY:?set SLUICE_KEY to the demo API key printed at the first start of the gateway}"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
admin() { curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" -H "Content-Type: application/json" "$@"; }

APP_ID="2021$(date +%s)"
REG=$(curl -sf "$SIMULATOR/control/merchants" -H "Content-Type: application/json" -d "{\"channel\":\"alipay\",\"merchant_id\":\"$APP_ID\"}")
MERCHANT_ID=$(admin "$GATEWAY/admin/api/merchants" | json 'd[0]["id"]')
CHANNEL="alipay-sim"
admin "$GATEWAY/admin/api/channels/$CHANNEL" >/dev/null 2>&1 || admin "$GATEWAY/admin/api/channels" -d "{
  \"code\":\"$CHANNEL\",\"institution_name\":\"Alipay (simulator)\",\"business_type\":\"payment\",\"protocol\":\"alipay\",
  \"payment_methods\":[\"alipay_qr\"],\"currencies\":[\"CNY\"],\"fee_rate_ppm\":{\"alipay_qr\":3800},\"weight\":100,
  \"single_min\":1,\"single_max\":5000000,\"status\":\"online\"}" >/dev/null
CREDENTIALS=$(echo "$REG" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({
  'app_id': '$APP_ID', 'merchant_private_key': d['merchant_private_key_pem'],
  'alipay_public_key': d['platform']['public_key_pem'], 'gateway_url': '$SIMULATOR/alipay/gateway.do'}))")
admin "$GATEWAY/admin/api/channel-accounts" -d "{\"channel_code\":\"$CHANNEL\",\"protocol\":\"alipay\",
  \"merchant_id\":\"$MERCHANT_ID\",\"payment_methods\":[\"alipay_qr\"],\"credentials\":$CREDENTIALS}" >/dev/null
sleep 1.2   # the catalog change is in force on every node within a second

ORDER_NO="ALI-$(date +%s)"
PAYMENT=$(curl -sf "$GATEWAY/v1/payments" -H "Authorization: Bearer $SLUICE_KEY" -H "Content-Type: application/json" \
  -d "{\"merchant_order_no\":\"$ORDER_NO\",\"amount\":2599,\"currency\":\"CNY\",\"subject\":\"Coffee beans\",\"payment_method\":\"alipay_qr\"}")
ID=$(echo "$PAYMENT" | json 'd["id"]')
echo "created:   $(echo "$PAYMENT" | json 'd["status"], d["channel"], d["pay_action"]')"
curl -sf -X POST "$SIMULATOR/control/alipay/orders/$ID/pay" >/dev/null
for _ in $(seq 1 50); do
  STATUS=$(curl -sf "$GATEWAY/v1/payments/$ID" -H "Authorization: Bearer $SLUICE_KEY" | json 'd["status"]')
  [ "$STATUS" = succeeded ] && break
  sleep 0.2
done
echo "after pay: $STATUS"
echo "decision:  $(admin "$GATEWAY/admin/api/routing/payments/$ID" | json 'd["chosen_channel"], d["rule_set"]')"
echo "notice:    $(curl -sf "$SIMULATOR/control/callbacks?order_id=$ID" | json '[(a["attempt"], a["status_code"], a["answer"]) for a in d["attempts"]]')"
