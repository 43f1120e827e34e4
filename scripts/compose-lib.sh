# Sourced by compose-check.sh and compose-cluster-check.sh, which define fail MESSAGE.
# await SECONDS COMMAND...: true once COMMAND is, or fails after SECONDS
await() { local n=$1; shift; for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done; return 1; }

# crawl_whole CONTAINER: the crawler in CONTAINER ended cleanly, with both sites whole and each page's
# result once. Its table: site, stream, fetched (results the client took), ...; then the stage table.
# (What the site saw may count a page twice: a job whose node lost its broker mid-run is run again;
# only its result is once.)
crawl_whole() {
  local crawl code
  crawl=$(docker logs "$1" 2>&1)
  code=$(docker inspect -f '{{.State.ExitCode}}' "$1")
  grep -q "Crawl finished" <<<"$crawl" && [ "$code" = 0 ] || fail "the crawl did not finish cleanly (exit $code)"
  echo "$crawl" | grep -E "^(Crawl finished|alpha |beta )" | sed 's/^/  /'
  echo "$crawl" | awk '$2 ~ /^crawl-/ && $3 == 150' | wc -l | grep -qx 2 \
    || fail "a site was not fetched whole, or a page's result came twice (want 150 fetched of each)"
  echo "$crawl" | awk '$1 == "indexed" && NF == 4 && $3 == 300 {ok=1} END {exit !ok}' \
    || fail "the indexed stage did not process 300 results (150 pages of each site, once)"
}
