#!/usr/bin/env bash
# Installs the Debian packages that the tests call as outside programs, when any is missing. Safe to
# run again: it does nothing when all are installed. Needs root (apt-get). One package a line, with
# what needs it.
set -euo pipefail

PACKAGES=(
  oathtool           # test/device-sim/otpauth-oathtool.test.ts: codes of a device made from an otpauth:// URI
  pskc-utils         # test/pskc/interop.test.ts: python-pskc's pskc2csv and csv2pskc read and write our PSKC
  pskctool           # test/pskc/interop.test.ts: libpskc validates our PSKC against the RFC 6030 schema
  ghostscript        # gs: renders the card PDFs and their separations (test/key-card, NEMID_TEST_GS)
  librsvg2-bin       # rsvg-convert: renders the card SVG without its web font (NEMID_TEST_RSVG)
  fonts-dejavu-core  # DejaVu Sans: the fallback font that SVG rendering uses
  chromium           # test/demo/browser.test.ts: the demo bank in a real browser (playwright-core downloads none)
  espeak-ng          # the demo's Voice Response speaks the key; test/demo/voice.test.ts, browser.test.ts
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "--- installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
