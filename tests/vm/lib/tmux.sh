# SPDX-License-Identifier: GPL-2.0
# A person at a terminal, for the VM tests: tmux (as Debian ships it)
# running a command in a session, its screen read and keys sent.

export TERM=xterm
cat >/tmp/tmux.conf <<'TEOF'
set-option -g remain-on-exit on
set-option -g history-limit 20000
TEOF
tmux() { command tmux -f /tmp/tmux.conf "$@"; }

# screen_has SESSION REGEX: the pane, its history included, matches.
screen_has() { tmux -u capture-pane -p -J -S - -t "$1" | grep -q -- "$2"; }
screen() { tmux -u capture-pane -p -J -S - -t "$1"; }
keys() { tmux -u send-keys -t "$@"; }
expect() { # session regex what [seconds]
	wait_for "${4:-30}" screen_has "$1" "$2" && ok "$3" ||
		{ bad "$3: '$2' not on the screen of $1"; screen "$1" | grep -v '^$' | tail -n 25; }
}
# pane_dead SESSION: the command in it has exited.
pane_dead() { [ "$(tmux -u display-message -p -t "$1" '#{pane_dead}')" = 1 ]; }
