# bash completion for faultline(1)                        -*- shell-script -*-
#
# Subcommands, their options (read from `faultline CMD --help`, so they stay
# in step with the binary), files for options that take one, the program
# and its arguments after `run ... --`, and inside an inline rule
# (-e '{syscall: ope<TAB>') the rule keys, syscall names and groups, and
# errno names from `faultline list keys|syscalls|groups|errnos`.

# Words of `faultline list WHAT`, first field, cached per shell.
_faultline_names()
{
	local var=_faultline_cache_$1
	if [[ -z ${!var-} ]]; then
		local words
		words=$("${_faultline_bin:-faultline}" list "$1" 2>/dev/null | cut -d' ' -f1 | cut -f1)
		printf -v "$var" '%s' "$words"
	fi
	printf '%s\n' "${!var}"
}

# Long and short options of `faultline CMD`, from its --help.
_faultline_options()
{
	"${_faultline_bin:-faultline}" "$1" --help 2>/dev/null |
		grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
}

# The argument of -e/--rule: a YAML flow mapping typed in quotes.
_faultline_inline_rule()
{
	local cur=$1 word prefix key= list
	# The word being typed starts after the last '{', '[', ',', ' ' or quote.
	word=${cur##*[\{\[, \'\"]}
	prefix=${cur%"$word"}
	# A value follows "KEY: " or "KEY: [..., "; a key follows '{' or ", ".
	if [[ $prefix =~ ([a-z_]+):[[:space:]]*\[[^]]*$ ]]; then
		key=${BASH_REMATCH[1]}
	elif [[ ! $prefix =~ [{,][[:space:]]*$ && $prefix =~ ([a-z_]+):[^:]*$ ]]; then
		key=${BASH_REMATCH[1]}
	fi
	case $key in
	syscall)
		# A group needs quotes in YAML: offer groups after a quote only.
		if [[ $prefix == *[\"\']* ]]; then
			list=$(_faultline_names groups)$'\n'$(_faultline_names syscalls)
		else
			list=$(_faultline_names syscalls)
		fi ;;
	error)
		list=$(_faultline_names errnos) ;;
	phase)
		list=$'enter\nexit' ;;
	per)
		list=$'tree\nprocess\nthread' ;;
	crash)
		list=$'kill\npower-loss' ;;
	dirs)
		list=$'keep\nlose' ;;
	fd_type)
		# The kinds of src/sys/fdtype.c (rules/schema.json lists them too).
		list=$'regular\ndir\npipe\nfifo\nsocket\ntty\nchardev\nblockdev\neventfd\nepoll\ntimerfd\nsignalfd\ninotify\npidfd\nanon_inode' ;;
	clocks)
		list=$'realtime\nmonotonic\nboottime' ;;
	'')
		# Inside clock: {...}: its own keys (clock.offset, ...).
		if [[ $prefix =~ clock:[[:space:]]*\{[^}]*$ ]]; then
			list=$(_faultline_names keys | sed -n 's/^rules\[\]\.clock\.\([a-z_]*\)$/\1:/p')
		else
			list=$(_faultline_names keys | sed -n 's/^rules\[\]\.\([a-z_]*\)$/\1:/p')
		fi ;;
	*)
		return ;;
	esac
	local IFS=$'\n'
	COMPREPLY=($(compgen -P "$prefix" -W "$list" -- "$word"))
	compopt -o nospace 2>/dev/null
}

_faultline()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -n := || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local _faultline_bin=${words[0]}

	if ((cword == 1)); then
		COMPREPLY=($(compgen -W 'run check list sweep report --help --version' -- "$cur"))
		return
	fi

	local cmd=${words[1]} i
	# After `--` (or the program's name), complete the program and its arguments.
	if [[ $cmd == run || $cmd == sweep ]]; then
		for ((i = 2; i < cword; i++)); do
			if [[ ${words[i]} == -- ]]; then
				if declare -F _command_offset >/dev/null; then
					_command_offset $((i + 1))
				else
					COMPREPLY=($(compgen -c -- "$cur" | sort -u))
				fi
				return
			fi
		done
	fi

	case $cmd in
	report)
		# report merge [--summary-md FILE] [-q] REPORT|DIR...
		if ((cword == 2)); then
			COMPREPLY=($(compgen -W 'merge' -- "$cur"))
			return
		fi
		if [[ $prev == --summary-md ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_faultline_options report)" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
		fi
		return ;;
	list)
		if ((cword == 2)); then
			COMPREPLY=($(compgen -W 'syscalls errnos groups keys' -- "$cur"))
		elif [[ ${words[2]} == groups ]]; then
			COMPREPLY=($(compgen -W "$(_faultline_names groups)" -- "$cur"))
		fi
		return ;;
	check)
		case $prev in
		--format)
			COMPREPLY=($(compgen -W 'text json' -- "$cur"))
			return ;;
		--arch)
			# the architectures `faultline check --help` names
			COMPREPLY=($(compgen -W 'x86_64 aarch64' -- "$cur"))
			return ;;
		esac ;;
	run|sweep)
		case $prev in
		-r|--rules)
			COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
			return ;;
		-o|--log|--report|--summary-md)
			COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		-e|--rule)
			_faultline_inline_rule "$cur"
			return ;;
		-p|--pid)
			COMPREPLY=($(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"))
			return ;;
		--pid-of)
			# the command names of the processes running now
			COMPREPLY=($(compgen -W "$(ps -e -o comm= 2>/dev/null | sort -u)" -- "$cur"))
			return ;;
		-s|--seed|--duration|--wait|--jobs|-j|--timeout|--max-runs)
			return ;;
		--check)
			# a shell command: complete its first word as a command
			COMPREPLY=($(compgen -c -- "$cur" | sort -u))
			return ;;
		esac ;;
	*)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_faultline_options "$cmd")" -- "$cur"))
	elif [[ $cmd == check ]]; then
		COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
	fi
} &&
	complete -F _faultline faultline

# ex: filetype=sh
