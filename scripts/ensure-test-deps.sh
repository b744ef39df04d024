#!/usr/bin/env bash
# Makes sure the machine has what the tests drive for real: Debian's Chromium (UI tests) and, for the
# hardware capabilities, socat (virtual serial), pcscd and vpcd (virtual PC/SC reader), pymodbus (Modbus interop). Installs with
# apt-get when run as root; otherwise says exactly what to install.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v socat >/dev/null 2>&1 || need+=(socat)
# The commissioning report's PDF is read back as a user would: rendered and its text extracted (poppler).
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# The FTP face of the file server is tested with curl as the box's FTP client (file-server-ftp.test.ts).
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v pcscd >/dev/null 2>&1 || need+=(pcscd)
[ -f /usr/include/PCSC/winscard.h ] || need+=(libpcsclite-dev)
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || [ -e /etc/reader.conf.d/vpcd ] || need+=(vsmartcard-vpcd)
# Modbus interop (test/integration/modbus-interop.test.ts): pymodbus, a Modbus implementation we did not write.
/usr/bin/python3 -c 'import pymodbus.server' >/dev/null 2>&1 || need+=(python3-pymodbus python3-serial-asyncio)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing test prerequisites: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "The tests need these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
