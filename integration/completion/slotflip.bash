# bash completion for slotflip(8)                               -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# Installed as $(PREFIX)/share/bash-completion/completions/slotflip (bash-completion
# loads it on first use); it needs nothing but bash. Commands and options come from
# _slotflip_spec: a new command or option is one line or one word there.
# Component names are read from the system description in use (--config on the
# line being completed, else $SLOTFLIP_CONFIG, else /etc/slotflip/system.dtb):
# from `slotflip status --json`, else from `fdtget -l` when the environment
# cannot be read.

# _slotflip_spec COMMAND: what COMMAND takes after its name, as words:
#   --opt       an option without a value        --opt=  a long option with a value
#   -o=         a short option with a value (given as "-o VALUE")
#   @comps      component names (any number)     @comp   one component name
#   @file       a file name                      @sub    the words after it are subcommands
#   other words are offered as they are (e.g. "-" for standard input)
_slotflip_spec() {
	case $1 in
	"") echo "--config= --json --help --version @sub help init install status boot-check activate commit remove repair policy bundle" ;;
	help) echo "init install status boot-check activate commit remove repair policy bundle" ;;
	init) echo "--factory=" ;;
	install) echo "--progress --progress=json --progress-fd= --auto --allow-removed @file -" ;;
	status) echo "--json" ;;
	boot-check | commit) echo "@comps" ;;
	activate) echo "--due @comps" ;;
	remove) echo "@comp" ;;
	repair) echo "--active= --floor= @comp" ;;
	policy) echo "--json @sub set" ;;
	"policy set") echo "--json automatic=on automatic=off window= window=none" ;;
	bundle) echo "@sub create verify info" ;;
	"bundle create")
		echo "--json -o= --output= -b= --board= -k= --key= -n= --key-name= --component= --version=" \
			"--security-version= --base-version= --requires= --image="
		;;
	"bundle verify") echo "--json --keyring= --board= @file -" ;;
	"bundle info") echo "--json @file" ;;
	esac
}

# The components of the system description the command line uses.
_slotflip_components() {
	local config=${SLOTFLIP_CONFIG:-/etc/slotflip/system.dtb} i json
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		case ${words[i]} in
		--config) config=${words[i + 1]} ;;
		--config=*) config=${words[i]#--config=} ;;
		esac
	done
	config=${config/#\~/$HOME}
	if json=$(SLOTFLIP_CONFIG=$config command slotflip status --json 2>/dev/null); then
		# names are [a-z0-9_]: each keys an object whose "activation" comes
		# before any object nested in it
		grep -o '"[a-z0-9_]*": {[^{]*"activation"' <<<"$json" | cut -d'"' -f2
	elif type fdtget &>/dev/null; then
		fdtget -l "$config" /components 2>/dev/null
	fi
}

# _slotflip_takes_value COMMAND OPTION: OPTION of COMMAND is followed by a value
_slotflip_takes_value() {
	[[ $2 == --config || " $(_slotflip_spec "$1") " == *" $2= "* ]]
}

# _slotflip_value OPTION PARTIAL PREFIX: complete the value of OPTION
_slotflip_value() {
	case $1 in
	--config | -o | --output | -k | --key | --image)
		mapfile -t COMPREPLY < <(compgen -f -P "$3" -- "$2")
		compopt -o filenames 2>/dev/null
		;;
	--keyring)
		mapfile -t COMPREPLY < <(compgen -d -P "$3" -- "$2")
		compopt -o filenames 2>/dev/null
		;;
	--progress) mapfile -t COMPREPLY < <(compgen -W "json" -P "$3" -- "$2") ;;
	--active) mapfile -t COMPREPLY < <(compgen -W "a b" -P "$3" -- "$2") ;;
	--factory)
		mapfile -t COMPREPLY < <(compgen -W "$(_slotflip_components)" -P "$3" -S "=" -- "$2")
		compopt -o nospace 2>/dev/null
		;;
	*) COMPREPLY=() ;;
	esac
}

_slotflip() {
	# The line split at blanks only: bash also splits COMP_WORDS at '=' and ':'
	# (COMP_WORDBREAKS), which would cut "--config=PATH" in three.
	local line=${COMP_LINE:0:COMP_POINT}
	local -a words
	read -ra words <<<"$line"
	[[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]] && words+=("")
	local cur=${words[-1]}
	local i word cmd="" nargs=0 spec offer="" comps=no files=no

	# the command (and subcommand) before the cursor; options and their values skipped
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		word=${words[i]}
		if [[ $word == -* ]]; then
			if _slotflip_takes_value "$cmd" "$word"; then
				((i == ${#words[@]} - 2)) && { _slotflip_value "$word" "$cur" ""; break; }
				((i++))
			fi
		elif ((nargs == 0)) && spec=" $(_slotflip_spec "$cmd") " && [[ $spec == *" @sub "* && $spec == *" $word "* ]]; then
			cmd="${cmd:+$cmd }$word"
		else
			((nargs++))
		fi
	done
	if ((i < ${#words[@]} - 1)); then
		: # the value of the option before the cursor, done above
	elif [[ $cur == --*=* ]]; then
		_slotflip_value "${cur%%=*}" "${cur#*=}" "${cur%%=*}="
	else
		for word in $(_slotflip_spec "$cmd"); do
			case $word in
			@sub) ;;
			@comps) comps=yes ;;
			@comp) ((nargs == 0)) && comps=yes ;;
			@file) files=yes ;;
			-?=) [[ $cur == -* ]] && offer="$offer ${word%=}" ;;
			-*) [[ $cur == -* ]] && offer="$offer $word" ;;
			*) [[ $cur != -* || $word == - ]] && offer="$offer $word" ;;
			esac
		done
		[[ $comps == yes && $cur != -* ]] && offer="$offer $(_slotflip_components)"
		mapfile -t COMPREPLY < <(compgen -W "$offer" -- "$cur")
		if [[ $files == yes && $cur != -* ]]; then
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
		fi
	fi
	# an option that takes a value is completed as "--opt=" without a space
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
	# bash replaces only its own current word (cut at '=' or ':'): drop what
	# comes before it
	local bashcur=${COMP_WORDS[COMP_CWORD]:-}
	if [[ $cur != "$bashcur" && $cur == *"$bashcur" ]]; then
		local head=${cur%"$bashcur"}
		COMPREPLY=("${COMPREPLY[@]#"$head"}")
	fi
	return 0
}
complete -F _slotflip slotflip
