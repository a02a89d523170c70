#!/usr/bin/env bash
# Submit a complaint for a synthetic citizen to the running stack (make run), as the portal does.
# Usage: bash tools/submit-demo-complaint.sh [kind] [topic] [agency]
#   kind: inquiry | complaint | petition | suggestion (default complaint)
#   topic: system-access | personal-data | service-decision | staff-conduct | service-delay | other
#   agency: a catalogue agency (catalog/agencies.yaml), e.g. police; default: none named
# ComplaintRouting decides who handles it; follow it in Cockpit and Tasklist (customer-service / demo).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fact() { "${root}/.venv/bin/python" -m local_stack "$1"; }  # one source for the local stack's URLs and keys
intake="$(fact intake-url)"
portal_key="$(fact portal-key)"
kind="${1:-complaint}"
topic="${2:-service-delay}"
agency="${3:-}"
agency_field=""
if [[ -n "${agency}" ]]; then agency_field="\"agency\": \"${agency}\","; fi
curl -sS -X POST ${intake}/v1/complaints \
  -H "X-Api-Key: ${portal_key}" -H 'Content-Type: application/json' \
  -d "{\"requestId\": \"demo-complaint-$(date +%s%N)-${RANDOM}\", \"kind\": \"${kind}\", \"topic\": \"${topic}\",
       \"channel\": \"portal\", ${agency_field}
       \"citizen\": {\"registerNumber\": \"УБ99051212\", \"phone\": \"+97699112233\"},
       \"text\": \"Үйлчилгээ хугацаандаа шийдвэрлэгдээгүй байна.\"}"
echo
