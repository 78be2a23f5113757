#!/bin/sh
# The bash completion (integration/completion/slotflip.bash), sourced in bash
# and called the way bash calls it (COMP_LINE, COMP_POINT, and COMP_WORDS cut
# at blanks and at '=' as bash's COMP_WORDBREAKS does): commands, options and
# option values, component names from the system description in use, and every
# command and option `slotflip --help` lists.
. "$TOP/updater/tests/host/common.inc"
. "$TOP/integration/tests/host/usage.inc"
new_board
tmp=$board/completion
mkdir -p "$tmp/bin" "$tmp/files"
ln -s "$SLOTFLIP" "$tmp/bin/slotflip"
touch "$tmp/files/patch.fit" "$tmp/files/patch.mender"
usage_table >"$tmp/usage"

# complete LINE: what the completion offers at the end of LINE, sorted, one line
complete_line() {
	PATH="$tmp/bin:$PATH" bash --norc --noprofile -c '
		. "$1"
		COMP_LINE=$2
		COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$(sed "s/=/ = /g" <<<"$2")"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_slotflip
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
	' complete "$TOP/integration/completion/slotflip.bash" "$1"
}
words() { printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }

out=$(bash --norc --noprofile -c '. "$1" && complete -p slotflip' complete "$TOP/integration/completion/slotflip.bash")
is "$out" "complete -F _slotflip slotflip" "sourcing it registers _slotflip for slotflip"

commands=$(awk -F '\t' '$1 != "-" && $1 !~ / / { print $1 } $1 ~ /^bundle / { print "bundle" }' "$tmp/usage" | sort -u)
is "$(complete_line 'slotflip ')" "$(words $commands)" "slotflip <tab>: every command of slotflip --help"
is "$(complete_line 'slotflip act')" "activate" "slotflip act<tab>: activate"
globals=$(awk -F '\t' '$1 == "-" { print $2 }' "$tmp/usage")
is "$(complete_line 'slotflip -' | sed 's/=//g')" "$(words $globals)" "slotflip -<tab>: the global options"
is "$(complete_line 'slotflip bundle ')" "create info verify" "slotflip bundle <tab>: its subcommands"
is "$(complete_line 'slotflip help re')" "remove repair" "slotflip help re<tab>: command names"
is "$(complete_line 'slotflip repair webkit --active=')" "=a =b" "slotflip repair C --active=<tab>: a, b"
is "$(complete_line 'slotflip policy ')" "set" "slotflip policy <tab>: set"
is "$(complete_line 'slotflip policy set ')" "automatic=off automatic=on window= window=none" \
	"slotflip policy set <tab>: the settings"
is "$(complete_line 'slotflip policy set automatic=o')" "off on" "  automatic=o<tab>: on, off (bash replaces the word after '=')"

# every option of every command, as slotflip --help and slotflip bundle list them
while IFS="$(printf '\t')" read -r cmd opts; do
	[ "$cmd" = - ] && continue
	offered=" $(complete_line "slotflip $cmd -" | sed 's/=//g') "
	missing=""
	for o in $opts; do
		case $offered in *" $o "*) ;; *) missing="$missing $o" ;; esac
	done
	is "$missing" "" "slotflip $cmd -<tab> offers every option of '$cmd'"
done <"$tmp/usage"

# component names: from status --json once the environment is initialised,
# from the description itself (fdtget) before
is "$(complete_line 'slotflip activate ')" "kernel libcrypto webkit" \
	"slotflip activate <tab> before init: the components, read with fdtget"
sf init >/dev/null
is "$(complete_line 'slotflip activate ')" "kernel libcrypto webkit" \
	"slotflip activate <tab>: the components, read from status --json"
is "$(complete_line 'slotflip boot-check webkit ')" "kernel libcrypto webkit" "  boot-check takes several"
is "$(complete_line 'slotflip remove w')" "webkit" "slotflip remove w<tab>: webkit"
is "$(complete_line 'slotflip remove webkit ')" "" "  remove takes one component only"
is "$(complete_line 'slotflip status ')" "" "slotflip status <tab>: nothing (no argument)"
cat >"$tmp/other.dts" <<'DTS'
/dts-v1/;
/ { compatible = "slotflip,system-v1"; slotflip,board = "x"; slotflip,env-config = "none"; slotflip,keyring = "k";
	components { alpha { slot-a = "a1"; slot-b = "a2"; }; beta { slot-a = "b1"; slot-b = "b2"; }; }; };
DTS
dtc -q -I dts -O dtb -o "$tmp/other.dtb" "$tmp/other.dts"
is "$(complete_line "slotflip --config $tmp/other.dtb commit ")" "alpha beta" \
	"slotflip --config OTHER commit <tab>: the components of OTHER"
is "$(complete_line "slotflip --config=$tmp/other.dtb commit ")" "alpha beta" "  also as --config=OTHER"
is "$(complete_line "slotflip init --factory ")" "kernel= libcrypto= webkit=" "slotflip init --factory <tab>: COMPONENT="
is "$(complete_line "slotflip init --factory=w")" "webkit=" "  and --factory=w<tab> (bash replaces the word after '=')"

# option values and files
is "$(complete_line "slotflip install --progress=")" "=json" "slotflip install --progress=<tab>: json"
is "$(complete_line "slotflip install $tmp/files/patch.f")" "$tmp/files/patch.fit" "slotflip install <tab>: a file"
is "$(complete_line "slotflip install --")" "--allow-removed --auto --progress --progress-fd= --progress=json" "slotflip install --<tab>: its options"
is "$(complete_line "slotflip --config $tmp/files/patch.m")" "$tmp/files/patch.mender" "--config <tab>: a file"
is "$(complete_line "slotflip bundle create --version ")" "" "bundle create --version <tab>: a value, nothing offered"
is "$(complete_line "slotflip bundle create -k $tmp/files/patch.f")" "$tmp/files/patch.fit" "bundle create -k <tab>: a file"
is "$(complete_line "slotflip bundle verify --keyring $tmp/fi")" "$tmp/files" "bundle verify --keyring <tab>: a folder"
is "$(complete_line "slotflip bundle info $tmp/files/patch.f")" "$tmp/files/patch.fit" "bundle info <tab>: a file"
done_testing
