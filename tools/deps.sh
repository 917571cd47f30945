#!/usr/bin/env bash
# Makes sure everything `make run` and `make test` need is on this machine:
# the Debian packages and the questv package in .venv. Idempotent, and
# silent when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
	bochs bochsbios vgabios bochs-term
	grub-pc-bin grub-common xorriso mtools
	qemu-system-x86
	gcc make binutils
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing Debian packages: ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The venv is rebuilt only when pyproject.toml changed since the last install.
stamp=.venv/.questv-installed
if [ ! -x .venv/bin/python ]; then
	echo "deps: creating .venv"
	python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
	echo "deps: installing the questv package and its test tools into .venv"
	.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch "$stamp"
fi
