#!/bin/sh
# After the .deb is installed: put the udev rules in place so readers and serial adapters open
# without root. Adding the user to dialout/plugdev is left to the administrator (see README).
set -e
install -m 0644 /opt/Wallbox\ Commissioner/resources/linux/99-wallbox-commissioner.rules /etc/udev/rules.d/ || true
udevadm control --reload-rules || true
udevadm trigger || true
