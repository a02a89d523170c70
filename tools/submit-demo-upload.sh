#!/usr/bin/env bash
# Send a document for a case to the running stack (make run), as the portal does for a citizen.
# Usage: bash tools/submit-demo-upload.sh CASE-NUMBER DOCUMENT-CODE [FILE]
# Without FILE a small synthetic PDF is sent. Intake checks the type by the file's bytes (PDF, JPEG, PNG). Staff then check it in Tasklist ("Check uploaded document").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fact() { "${root}/.venv/bin/python" -m local_stack "$1"; }  # one source for the local stack's URLs and keys
intake="$(fact intake-url)"
portal_key="$(fact portal-key)"
case_number="${1:?case number, e.g. ESR-2026-000001}"
document="${2:?document code, e.g. purchase-agreement}"
file="${3:-}"
if [[ -z "${file}" ]]; then
  file="$(mktemp --suffix=.pdf)"
  printf '%%PDF-1.4\n%% synthetic demo document %s %s\n%%%%EOF\n' "${case_number}" "$(date +%s)" > "${file}"
fi
curl -sS -X POST ${intake}/v1/uploads -H "X-Api-Key: ${portal_key}" \
  -F "caseNumber=${case_number}" -F "documentCode=${document}" -F "file=@${file}"
echo
