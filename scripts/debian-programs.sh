#!/usr/bin/env bash
# The Debian programs the tests drive as real peers. `check` lists what is missing; `install`
# installs it with apt-get (as root, as CI runs), without starting their system services.
set -euo pipefail
packages=(dnsmasq-base caddy nginx-light redis-server dnsperf unbound wrk knot-dnsutils bind9-dnsutils chromium openssl)
programs=(dnsmasq caddy nginx redis-server dnsperf unbound wrk kdig dig chromium openssl)
missing=()
for i in "${!programs[@]}"; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "${programs[$i]}" >/dev/null 2>&1 || missing+=("${packages[$i]}")
done
case "${1:-check}" in
  check)
    if ((${#missing[@]})); then echo "missing Debian packages: ${missing[*]}"; exit 1; fi
    echo "all test programs present";;
  install)
    ((${#missing[@]})) || { echo "all test programs present"; exit 0; }
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    # A policy-rc.d that refuses service starts: the packages' daemons must not grab ports.
    policy=/usr/sbin/policy-rc.d; created=""
    if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null; $sudo chmod +x $policy; created=1; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [[ -z $created ]] || $sudo rm -f $policy
    echo "installed: ${missing[*]}";;
  *) echo "usage: $0 [check|install]" >&2; exit 2;;
esac
