#!/bin/sh
# Static analysis of the code that reads untrusted input (bundles, deltas) and the environment:
# clang-tidy with the checks of .clang-tidy, then cppcheck. Part of make check.
#
#   scripts/lint.sh BUILD_DIR     (its include/generated/autoconf.h is used)
#
# Exit codes: 0 clean, 1 a finding (printed), 2 usage or a tool missing.
set -u
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
autoconf=$(cd "$1" && pwd)/include/generated/autoconf.h
cd "$top"
for tool in clang-tidy cppcheck; do
	command -v "$tool" >/dev/null 2>&1 || { echo "lint: $tool not found (scripts/deps.sh check)" >&2; exit 2; }
done
[ -f "$autoconf" ] || { echo "lint: $autoconf missing (build first)" >&2; exit 2; }
files=$(ls updater/fit/*.c updater/io/env*.c updater/io/sysconf.c updater/delta/*.c)
cflags="-std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -include $autoconf -Iinclude -Iupdater"
log=$(mktemp)
trap 'rm -rf "$log" "$log.d"' EXIT
rc=0

# two at a time: the machine is shared
# shellcheck disable=SC2086
printf '%s\n' $files | xargs -P2 -I{} sh -c "clang-tidy --quiet {} -- $cflags >>'$log' 2>&1 || echo FAILED {} >>'$log'"
if grep -qE 'warning:|error:|^FAILED' "$log"; then
	grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated' "$log"
	rc=1
fi

# cppcheck's preprocessor cannot expand IS_ENABLED()'s placeholder trick: give it
# a sf_kconfig.h of its own in which every option counts as enabled
mkdir -p "$log.d"
printf '#ifndef SF_KCONFIG_H\n#define SF_KCONFIG_H\n#define IS_ENABLED(option) 1\n#endif\n' >"$log.d/sf_kconfig.h"
# style: variableScope is off because declarations open each function (kernel style)
# shellcheck disable=SC2086
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability --std=c11 \
	--inline-suppr --suppress=missingIncludeSystem --suppress=variableScope -D_GNU_SOURCE \
	--include="$autoconf" -I"$log.d" -Iinclude -Iupdater $files; then
	rc=1
fi
n=$(printf '%s\n' $files | wc -l)
[ "$rc" -eq 0 ] && echo "  LINT    $n files: clang-tidy and cppcheck clean"
exit "$rc"
