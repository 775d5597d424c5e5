# SPDX-License-Identifier: GPL-2.0
# bash completion for cohort(8).  Source it, or install it as
# /usr/share/bash-completion/completions/cohort.
# shellcheck disable=SC2207 # word splitting of compgen output is intended

# _cohort_names instances|regions: the names under /sys/kernel/cohort/$1.
_cohort_names()
{
	local d=${COHORT_SYSFS:-/sys/kernel/cohort}/$1 n
	[ -d "$d" ] || return
	for n in "$d"/*; do
		[ -d "$n" ] && printf '%s\n' "${n##*/}"
	done
}

# _cohort_sub SUBCOMMANDS: for region, net, daemon and pool, whose first
# word is one of SUBCOMMANDS (list, or the pool shown, when there is
# none).  Sets sub to it ("" while there is none yet) and completes the
# subcommand itself, or list's options; the caller completes the words of
# the other subcommands.
_cohort_sub()
{
	local i
	sub=""
	for ((i = 2; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) sub=${words[i]}; break ;;
		esac
	done
	case $sub in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --pretty --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$1" -- "$cur"))
		fi ;;
	list) COMPREPLY=($(compgen -W "--json --pretty --help" -- "$cur")) ;;
	esac
}

# _cohort_images: the ids (first 12 hex digits) of the images cohort run
# imported, from the names of their records.
_cohort_images()
{
	local f
	for f in "${COHORT_STATE_DIR:-/var/lib/cohort}"/images/*.json; do
		[ -f "$f" ] || continue
		f=${f##*/}
		printf '%s\n' "${f:0:12}"
	done
}

# _cohort_pools: the warm pools (cohort warm), from the names of their
# records.
_cohort_pools()
{
	local f
	for f in "${COHORT_STATE_DIR:-/var/lib/cohort}"/warm/*.json; do
		[ -f "$f" ] || continue
		f=${f##*/}
		printf '%s\n' "${f%.json}"
	done
}

# _cohort_argopt COMMAND WORD: true when WORD is an option of COMMAND that
# takes an argument.  Per command: -i is load's --initrd but run's
# --interactive, -t is stop's --timeout but run's --tty, -a is load's
# --cmdline but peers' --all, -n is run's --name but warm's --count.
_cohort_argopt()
{
	case $1 in
	create) [[ $2 == @(--cpus|-c|--cpu-count|--placement|--node|--max-cpus|--memory|-m|--base|-b|--net-queues) ]] ;;
	load) [[ $2 == @(--kernel|-k|--initrd|-i|--cmdline|-a) ]] ;;
	update) [[ $2 == @(--kernel|-k|--initrd|-i|--cmdline|-a|--wait) ]] ;;
	stop) [[ $2 == @(--timeout|-t) ]] ;;
	set) [[ $2 == @(--cpus|-c|--memory|-m|--node|--timeout|-t) ]] ;;
	kill) [[ $2 == @(--signal|-s) ]] ;;
	exec) [[ $2 == @(--env|-e|--workdir|-w|--user|-u|--timeout) ]] ;;
	run) [[ $2 == @(--name|-n|--cpus|-c|--cpu-count|--memory|-m|--kernel|--initrd|--cmdline|--env|-e|--env-file|--workdir|-w|--user|-u|--entrypoint|--restart|--volume|-v|--ulimit|--warm|--publish|-p) ]] ;;
	warm) [[ $2 == @(--count|-n|--cpu-count|--memory|-m|--kernel|--initrd|--cmdline) ]] ;;
	region) [[ $2 == @(--size|-s) ]] ;;
	net) [[ $2 == @(--queues|-q) ]] ;;
	heartbeat) [[ $2 == @(--period|--misses) ]] ;;
	apply) [[ $2 == --dir ]] ;;
	events) [[ $2 == --since ]] ;;
	*) false ;;
	esac
}

_cohort()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local commands="create load start stop delete set list show log console run wait kill exec dump takeover rename update logs warm images rmi apply daemon events pool region net peers heartbeat check version help"
	local global="-j --json -p --pretty -h --help -V --version"
	local i cmd="" nargs=0 start=$cword
	# The word being completed starts before any ':' or '=' bash split
	# it at: count the words before that start only.
	while ((start > 1)) &&
	      [[ ${words[start]} == [:=] || ${words[start - 1]} == [:=] ]]; do
		start=$((start - 1))
	done
	for ((i = 1; i < start; i++)); do
		case ${words[i]} in
		-*) ;;
		*)
			if [ -z "$cmd" ]; then
				cmd=${words[i]}
			elif [[ ${words[i]} == [:=] || ${words[i - 1]} == [:=] ]]; then
				# the rest of a word bash split at ':' or '='
				# (oci:DIR, --name=web, -e A=1)
				:
			elif ! _cohort_argopt "$cmd" "${words[i - 1]}"; then
				nargs=$((nargs + 1))
			fi
			;;
		esac
	done

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	# The argument of an option of this command (see _cohort_argopt).
	local popt=$prev
	_cohort_argopt "$cmd" "$prev" || popt=
	[ "$cmd" = warm ] && [ "$popt" = -n ] && popt=--count
	if [ "$cmd" = kill ] && [ -n "$popt" ]; then
		COMPREPLY=($(compgen -W "TERM KILL INT HUP QUIT USR1 USR2 STOP CONT" -- "${cur^^}"))
		return
	fi
	# set --memory: whole blocks of 128 MiB, given or taken back
	if [ "$cmd" = set ] && [[ $popt == @(--memory|-m) ]]; then
		COMPREPLY=($(compgen -W "+128M +256M +512M +1G -128M -256M -512M -1G" -- "$cur"))
		return
	fi
	case $popt in
	--kernel|-k|--initrd|-i|--env-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	--dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	--cpus|-c)
		local p
		p=$(cat "${COHORT_CPU_SYSFS:-/sys/devices/system/cpu}/present" 2>/dev/null)
		[ -n "$p" ] && COMPREPLY=($(compgen -W "$p" -- "$cur"))
		return ;;
	--size|-s)
		COMPREPLY=($(compgen -W "16M 64M 256M 1G" -- "$cur"))
		return ;;
	--memory|-m)
		COMPREPLY=($(compgen -W "64M 128M 256M 512M 1G 2G 4G" -- "$cur"))
		return ;;
	--period)
		COMPREPLY=($(compgen -W "50 100 250 500 1000" -- "$cur"))
		return ;;
	--misses)
		COMPREPLY=($(compgen -W "3 5 10 20" -- "$cur"))
		return ;;
	--queues|-q|--net-queues)
		COMPREPLY=($(compgen -W "1 2 3 4" -- "$cur"))
		return ;;
	--cpu-count)
		COMPREPLY=($(compgen -W "1 2 4" -- "$cur"))
		return ;;
	--placement)
		COMPREPLY=($(compgen -W "compact spread" -- "$cur"))
		return ;;
	--node)
		# the NUMA nodes: node0, node1... beside the CPUs' directory
		local cpu=${COHORT_CPU_SYSFS:-/sys/devices/system/cpu} n nodes=
		for n in "${cpu%/*}"/node/node[0-9]*; do
			[ -d "$n" ] && nodes+=" ${n##*/node}"
		done
		COMPREPLY=($(compgen -W "$nodes" -- "$cur"))
		return ;;
	--count)
		COMPREPLY=($(compgen -W "0 1 2 4" -- "$cur"))
		return ;;
	--since)
		COMPREPLY=($(compgen -W "60 600 3600 86400" -- "$cur"))
		return ;;
	--warm)
		COMPREPLY=($(compgen -W "$(_cohort_pools)" -- "$cur"))
		return ;;
	--env|-e)
		# -e NAME takes NAME's value from the caller's environment
		COMPREPLY=($(compgen -e -- "$cur"))
		return ;;
	--restart)
		COMPREPLY=($(compgen -W "no always unless-stopped on-failure on-failure:" -- "$cur"))
		return ;;
	--ulimit)
		# NAME=SOFT[:HARD], docker's names
		COMPREPLY=($(compgen -W "core= cpu= data= fsize= locks= memlock= msgqueue= nice= nofile= nproc= rss= rtprio= rttime= sigpending= stack= as=" -- "$cur"))
		compopt -o nospace 2>/dev/null
		return ;;
	--base|-b|--cmdline|-a|--timeout|-t|--name|-n|--workdir|-w|\
	--user|-u|--entrypoint|--publish)
		return ;;
	esac

	local opts=
	case $cmd in
	create) opts="--cpus --cpu-count --placement --node --max-cpus --memory --base --net --net-queues --force --dry-run --help" ;;
	load) opts="--kernel --initrd --cmdline --shell --help" ;;
	stop) opts="--force --timeout --help" ;;
	set) opts="--cpus --force --memory --node --timeout --dry-run --json --pretty --help" ;;
	log|logs) opts="--follow --help" ;;
	run)
		# after IMAGE, every word is the COMMAND's, run in the image
		[ $nargs -gt 0 ] && return
		opts="--name --cpus --cpu-count --memory --kernel --initrd --cmdline --env --env-file --workdir --user --entrypoint --volume --ulimit --publish --warm --detach --rm --interactive --tty --restart --help" ;;
	images) opts="--json --pretty --help" ;;
	apply) opts="--dry-run --dir --json --pretty --help" ;;
	events) opts="--follow --since --json --pretty --help" ;;
	daemon)
		local sub
		_cohort_sub "status"
		[ "$sub" = status ] && [[ $cur == -* ]] &&
			COMPREPLY=($(compgen -W "--json --pretty --help" -- "$cur"))
		return ;;
	wait|rmi) opts="--help" ;;
	kill) opts="--signal --help" ;;
	dump) opts="--force --help" ;;
	takeover|rename) opts="--help" ;;
	update)
		if [ $nargs = 0 ] && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "prepare commit rollback $(_cohort_names instances)" -- "$cur"))
			return
		fi
		opts="--kernel --initrd --cmdline --wait --help" ;;
	exec)
		# NAME, then the COMMAND to run in it: its words are not ours
		[ $nargs -gt 1 ] && return
		opts="--env --workdir --user --timeout --help"
		if [ $nargs = 0 ] && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
			return
		fi
		[ $nargs = 1 ] && [[ $cur != -* ]] && return ;;
	console) opts="--read-only --force --no-history --help" ;;
	list|version|check) opts="--json --pretty --help" ;;
	pool)
		local sub
		_cohort_sub "release"
		[ "$sub" = release ] && [[ $cur == -* ]] &&
			COMPREPLY=($(compgen -W "--dry-run --json --pretty --help" -- "$cur"))
		return ;;
	show) opts="--json --pretty --help" ;;
	peers) opts="--all --json --pretty --help" ;;
	heartbeat) opts="--period --misses --json --pretty --help" ;;
	start) opts="--help" ;;
	delete) opts="--dry-run --json --pretty --help" ;;
	region)
		local sub
		_cohort_sub "list create delete grant revoke"
		case $sub in
		create) [[ $cur == -* ]] && COMPREPLY=($(compgen -W "--size --dry-run --json --pretty --help" -- "$cur")) ;;
		grant) [[ $cur == -* ]] && COMPREPLY=($(compgen -W "--read-only --help" -- "$cur")) && return ;;&
		delete|grant|revoke)
			# nargs counts the subcommand: 1 is NAME, 2 is INSTANCE.
			if [[ $cur == -* ]]; then
				COMPREPLY=($(compgen -W "--help" -- "$cur"))
			elif [ $nargs = 1 ]; then
				COMPREPLY=($(compgen -W "$(_cohort_names regions)" -- "$cur"))
			elif [ $nargs = 2 ] && [ "$sub" != delete ]; then
				COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
			fi ;;
		esac
		return ;;
	net)
		local sub
		_cohort_sub "list add del"
		case $sub in
		add|del)
			# nargs counts the subcommand: 1 is the instance.
			if [[ $cur == -* ]]; then
				if [ "$sub" = add ]; then
					COMPREPLY=($(compgen -W "--queues --json --pretty --help" -- "$cur"))
				else
					COMPREPLY=($(compgen -W "--help" -- "$cur"))
				fi
			elif [ $nargs = 1 ]; then
				COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
			fi ;;
		esac
		return ;;
	warm)
		# warm POOL [OPTIONS], or warm list [-j]: w is the first
		# word after the command that is not an option's argument.
		local w="" j seen=0
		for ((j = 1; j < cword; j++)); do
			[[ ${words[j]} == -* ]] && continue
			if [ $seen = 0 ]; then
				seen=1	# the command itself
				continue
			fi
			_cohort_argopt warm "${words[j - 1]}" && continue
			w=${words[j]}
			break
		done
		if [ "$w" = list ]; then
			[[ $cur == -* ]] &&
				COMPREPLY=($(compgen -W "--json --pretty --help" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--count --cpu-count --memory --kernel --initrd --cmdline --help" -- "$cur"))
		elif [ -z "$w" ]; then
			COMPREPLY=($(compgen -W "list $(_cohort_pools)" -- "$cur"))
		fi
		return ;;
	help)
		[ $nargs = 0 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return ;;
	*) return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	load|start|stop|delete|set|show|log|console|wait|logs|kill)
		[ $nargs = 0 ] &&
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
		;;
	update)
		[ $nargs = 1 ] &&
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
		;;
	rename)
		[ $nargs = 0 ] &&
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
		;;
	takeover)
		[ $nargs -lt 2 ] &&
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
		;;
	dump)
		if [ $nargs = 0 ]; then
			COMPREPLY=($(compgen -W "$(_cohort_names instances)" -- "$cur"))
		elif [ $nargs = 1 ]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	rmi)
		COMPREPLY=($(compgen -W "$(_cohort_images)" -- "$cur")) ;;
	events)
		# NAME: the instances there are, and those declared
		if [ $nargs = 0 ]; then
			local f declared=
			for f in "${COHORT_CONFIG_DIR:-/etc/cohort/instances.d}"/*.conf; do
				[ -f "$f" ] || continue
				f=${f##*/}
				declared+=" ${f%.conf}"
			done
			COMPREPLY=($(compgen -W "$(_cohort_names instances)$declared" -- "$cur"))
		fi ;;
	run)
		# IMAGE: oci:DIR[:TAG] or docker-archive:FILE[:REF].  bash splits
		# the word at ':', so the path is a word of its own after ":".
		local p=${words[cword - 1]} c=$cur
		if [ "$cur" = : ]; then
			p=${words[cword - 1]}:
			c=
		fi
		if [[ $p == : && ${words[cword - 2]} == @(oci|docker-archive) ]] ||
		   [[ $p == @(oci|docker-archive): ]]; then
			COMPREPLY=($(compgen -f -- "$c"))
			compopt -o filenames 2>/dev/null
		elif [[ $cur != *:* ]]; then
			COMPREPLY=($(compgen -W "oci: docker-archive:" -- "$cur"))
			compopt -o nospace 2>/dev/null
		fi ;;
	esac
} &&
complete -F _cohort cohort
