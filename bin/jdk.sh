# Sourced by ./lgsp and .ci/run: export JAVA_HOME as the newest JDK >= 21 found (keeps a given one if fit).
lgsp_java_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}'; }
lgsp_pick_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(lgsp_java_version "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(lgsp_java_version "$d") || continue
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "OpenLGSP needs a JDK 21 or newer (none found under /usr/lib/jvm). Install one and set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME=$best
}
lgsp_pick_jdk
