#!/usr/bin/env bash
# Submit a portal request for a synthetic citizen to the running stack (make run), then follow it in
# Cockpit (http://127.0.0.1:8080/operaton/app/cockpit/, demo/demo) and in the SMS the sandbox received.
# Usage: bash tools/submit-demo-request.sh [service-code]
# The default, criminal-record-certificate, needs one document, the ID card, which comes from the XYP
# registry; then the police (sandbox) approve after 5 s. address-reference runs through without any person.
# property-ownership-registration also needs the purchase agreement from the citizen: send it with
# tools/submit-demo-upload.sh CASE purchase-agreement, then check it in Tasklist
# (http://127.0.0.1:8080/operaton/app/tasklist/ as centre-capital-bayanzurkh / demo: the citizen's centre).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fact() { "${root}/.venv/bin/python" -m local_stack "$1"; }  # one source for the local stack's URLs and keys
intake="$(fact intake-url)"
portal_key="$(fact portal-key)"
service="${1:-criminal-record-certificate}"
request_id="demo-$(date +%s%N)-${RANDOM}"  # unique even for two requests in one second
curl -sS -X POST ${intake}/v1/service-requests \
  -H "X-Api-Key: ${portal_key}" -H 'Content-Type: application/json' \
  -d "{\"requestId\": \"${request_id}\", \"serviceCode\": \"${service}\",
       \"applicant\": {\"registerNumber\": \"УБ99051212\", \"birthDate\": \"1999-05-12\", \"phone\": \"+97699112233\"},
       \"serviceCentre\": \"capital:bayanzurkh\", \"deliveryMethod\": \"electronic\", \"registryConsent\": true}"
echo
echo "SMS the citizen received so far: curl -s $(fact sandbox-url)/control/sms/received"
