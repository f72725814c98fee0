#!/usr/bin/env bash
# Scans Inlet's dependencies (every Maven module, with transitive ones, and infra's npm lock file) for known
# vulnerabilities. Exit codes: 0 no known vulnerability at or above the threshold; 1 vulnerabilities found;
# 2 bad arguments; 3 the scanner's vulnerability database cannot be reached from this machine (nothing was scanned:
# this is NOT a pass).
#
#   scripts/scan-dependencies.sh [--scanner auto|osv|owasp] [--cvss N]
#
# Scanners, in the order `auto` tries them:
#   osv    osv-scanner (https://google.github.io/osv-scanner/) if it is on PATH; needs https://api.osv.dev
#          (and Maven Central for transitive resolution); it fails on any known vulnerability (--cvss ignored).
#   owasp  the OWASP dependency-check Maven plugin (version pinned in the parent pom); needs the NVD API
#          (https://services.nvd.nist.gov; set NVD_API_KEY, or the first download takes hours) and writes
#          target/dependency-check-report.{html,json}. It also audits infra/package-lock.json through npm.
set -euo pipefail

cd "$(dirname "$0")/.."
scanner=auto
cvss=7
while [ $# -gt 0 ]; do
  case "$1" in
    --scanner) scanner="${2:-}"; shift 2 ;;
    --cvss) cvss="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "scan-dependencies: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$scanner" in auto|osv|owasp) ;; *) echo "scan-dependencies: --scanner must be auto, osv or owasp, not '$scanner'" >&2; exit 2 ;; esac
case "$cvss" in ''|*[!0-9.]*) echo "scan-dependencies: --cvss must be a number from 0 to 10, not '$cvss'" >&2; exit 2 ;; esac

reachable() { curl -sS -o /dev/null --max-time 15 "$1" 2>/dev/null; }

unreachable() {
  cat >&2 <<MSG
scan-dependencies: NOT SCANNED. The $1 vulnerability database ($2) cannot be reached from this machine,
so no dependency was checked. This is not a pass. Run the scan where that host is reachable (a developer
machine or CI with internet access; see README.md, "Dependencies"), or mirror the database there.
MSG
  exit 3
}

run_osv() {
  reachable https://api.osv.dev/v1/vulns/OSV-2020-111 || unreachable OSV https://api.osv.dev
  echo "scan-dependencies: osv-scanner over the Maven modules and infra/package-lock.json"
  # osv-scanner exits 1 when it finds vulnerabilities, as this script does.
  osv-scanner scan source --recursive . \
    || { rc=$?; [ "$rc" -eq 1 ] && exit 1; echo "scan-dependencies: osv-scanner failed (exit $rc)" >&2; exit "$rc"; }
}

run_owasp() {
  reachable https://services.nvd.nist.gov/rest/json/cves/2.0?resultsPerPage=1 \
    || unreachable "NVD (OWASP dependency-check)" https://services.nvd.nist.gov
  [ -n "${NVD_API_KEY:-}" ] || echo "scan-dependencies: NVD_API_KEY is unset; the first NVD download will be very slow" >&2
  echo "scan-dependencies: OWASP dependency-check over every Maven module (fails at CVSS >= $cvss)"
  ./mvnw -B -ntp org.owasp:dependency-check-maven:aggregate \
    -DfailBuildOnCVSS="$cvss" ${NVD_API_KEY:+-DnvdApiKey="$NVD_API_KEY"} || exit 1
  echo "scan-dependencies: npm audit of infra/package-lock.json"
  (cd infra && npm audit --package-lock-only --audit-level=high) || exit 1
}

case "$scanner" in
  osv) command -v osv-scanner >/dev/null || { echo "scan-dependencies: osv-scanner is not on PATH" >&2; exit 3; }; run_osv ;;
  owasp) run_owasp ;;
  auto) if command -v osv-scanner >/dev/null; then run_osv; else run_owasp; fi ;;
esac
echo "scan-dependencies: no known vulnerability at or above the threshold"
