#!/usr/bin/env bash
# Install the Debian packages named on the command line that are missing.
# Uses apt-get directly as root, sudo otherwise; does nothing if all are there.
set -euo pipefail

missing=()
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == *"ok installed"* ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
	echo "install-packages: missing ${missing[*]}, and apt-get is not available;" \
	     "install them with your package manager" >&2
	exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || {
		echo "install-packages: need root or sudo to install ${missing[*]}" >&2
		exit 1
	}
	# sudo drops the export; a sudoers rule may refuse to pass it.
	sudo=(sudo DEBIAN_FRONTEND=noninteractive)
	"${sudo[@]}" true 2>/dev/null || sudo=(sudo)
fi
echo "Installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
