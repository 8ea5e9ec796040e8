#!/usr/bin/env bash
# The device bench on a machine that has a GPU driver and nothing else: no Node, no npm, no network.
# `npm run device:pack` copies this file into .device/ beside bench.mjs, dawn.node.xz and node.xz.
#
# On the project's device machine (x86-64, NVIDIA H200), from the repo root, carrying `.device` and `.gl`:
#   for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig;
#   bash .device/run.sh --shapes mini,small --kernels auto,tfjs
# `.gl` holds Debian's loaders (libvulkan1 is the one Dawn needs), downloaded once on the dev machine in the
# repo root, as the device README says:
#   echo /.gl/ >>.git/info/exclude; mkdir -p .gl /tmp/amd64/partial;
#   o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'; apt-get $o update;
#   (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
# When the loader's folders hold no NVIDIA driver manifest, this script does the README's
#   export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
# Without a GPU (SwiftShader, slow: use --shapes tiny):
#   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium bash .device/run.sh
#
# Arguments go to the bench (scripts/device/bench.ts). Writes $OUT/device-bench.json and $OUT/device-bench.log
# (OUT defaults to ./bench-results/device). Node and Dawn are unpacked under $DEVICE_WORK (default /tmp/studio-device).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$PWD/bench-results/device}
work=${DEVICE_WORK:-${TMPDIR:-/tmp}/studio-device}
mkdir -p "$out" "$work"
out=$(cd "$out" && pwd)

unpack() { # <file.xz> <dest>: xz where there is one, else Python's lzma
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$1" >"$2.part"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.part"
  else
    echo "run.sh: neither xz nor python3 is here to unpack $1" >&2
    exit 2
  fi
  mv "$2.part" "$2"
}

# Unpacked on every run (two seconds): a stale copy from an older pack can never run.
unpack "$here/node.xz" "$work/node"
chmod +x "$work/node"
unpack "$here/dawn.node.xz" "$work/dawn.node"
cp "$here/bench.mjs" "$work/bench.mjs"

# Vulkan: the loader must be installed (the .debs above); Dawn's own error says more if it is not.
has_loader() {
  local cache d
  cache=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
  [[ $cache == *libvulkan.so.1* ]] && return 0
  local IFS=:
  for d in ${LD_LIBRARY_PATH:-}; do [ -e "$d/libvulkan.so.1" ] && return 0; done
  return 1
}
if ! has_loader; then
  echo "run.sh: no libvulkan.so.1 (the Vulkan loader): unpack Debian's libvulkan1 first:" >&2
  echo "  for f in .gl/*.deb; do dpkg -x \$f /; done; ldconfig;" >&2
fi
# NVIDIA's container toolkit puts its manifest outside the loader's folders: name it unless a driver is named
# already or an NVIDIA manifest is where the loader looks.
nvidia=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
shopt -s nullglob
found=(/usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json /usr/local/share/vulkan/icd.d/nvidia*.json)
shopt -u nullglob
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ ${#found[@]} -eq 0 ] && [ -f "$nvidia" ]; then
  export VK_DRIVER_FILES=$nvidia
  echo "run.sh: VK_DRIVER_FILES=$nvidia" >&2
fi

"$work/node" --version >&2
"$work/node" "$work/bench.mjs" --out "$out/device-bench.json" "$@" 2>&1 | tee "$out/device-bench.log"
