#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine: a JDK, Maven, Debian's Chromium with
# its driver and Firefox ESR for the browser tests, node (which also runs the call page's unit tests,
# web-client/src/test/js) and npm with the pinned puppeteer-core that drives Firefox (browser-tests/),
# coturn (TURN), redis-server (cluster mode) and OpenSSL 3. Safe to run again; installs only what is missing.
set -euo pipefail
need=()
# Java 17 or newer builds the project (release 17): Debian 12 has openjdk-17, later releases
# have a newer default JDK instead.
if ! command -v java >/dev/null 2>&1; then
  if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then need+=(openjdk-17-jdk-headless); else need+=(default-jdk-headless); fi
fi
command -v mvn >/dev/null 2>&1 || need+=(maven)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# Firefox ESR, driven over WebDriver BiDi by puppeteer-core (npm) in BrowserFirefoxChromiumCallTest:
# Debian has no geckodriver package.
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# iproute2's ip and tc: BrowserBandwidthLimitTest's network namespace and tbf bottleneck (BottleneckLink;
# it also needs root and the kernel's htb, tbf and u32, which no package adds; the test is skipped without root).
command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 || need+=(iproute2)
# coturn's turnserver: BrowserHttpsTurnRelayTest relays a call through a real TURN server. The test starts its
# own turnserver without a config file on free loopback ports, so a coturn that the package's postinst may have
# started as a service (on 3478, from /etc/turnserver.conf) neither disturbs it nor is touched by it.
[ -x /usr/bin/turnserver ] || need+=(coturn)
# redis-server: the cluster tests (signaling/src/test/java/dev/sfu/signaling/cluster) start their own on a free
# loopback port, without persistence, in a temporary directory; a service the package may have started on 6379
# neither disturbs them nor is needed by them.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# OpenSSL 3's libcrypto: jitsi-srtp's native AES and the server's direct AES-GCM calls use it
# (the tests assert the native path); the openssl package pulls the right libssl on any Debian.
# (grep reads all of ldconfig's output: with -q it could stop early and, under pipefail, fail.)
ldconfig -p 2>/dev/null | grep 'libcrypto\.so\.3 ' >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
else
  echo "install-test-deps: everything is installed"
fi

# puppeteer-core, pinned by browser-tests/package-lock.json; it drives the Debian Firefox above and
# must not download a browser of its own.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lock="$root/browser-tests/package-lock.json"
stamp="$root/browser-tests/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ ! -d "$root/browser-tests/node_modules/puppeteer-core" ]; then
  echo "install-test-deps: npm ci in browser-tests (puppeteer-core for the Firefox tests)"
  (cd "$root/browser-tests" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
else
  echo "install-test-deps: browser-tests/node_modules is up to date"
fi
