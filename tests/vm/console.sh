# A person at an instance's console, through a real terminal (tmux, as
# Debian ships it): `cohort console` shows the boot log from the first
# printk, gives a shell with job control on /dev/ttyCH0 (a command, ^C of
# a foreground sleep, ^Z and fg), detaches on ^] and attaches again; a
# second writer is refused, a reader watches beside the writer, --force
# takes the console over; a paste larger than the input buffer arrives
# whole; input from a pipe works.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 600
set -eu
. /tests/vm/lib/common.sh
. /tests/vm/lib/tmux.sh
writer() { attr box console_writer; }

cohort create box --cpus 2-3 --memory 256M
cohort load box --kernel /boot/bzImage --initrd /boot/instance-initrd.cpio.gz --shell
grep -q cohort.shell "$I/box/cmdline" || die "load --shell left cohort.shell off the command line"
# Attached before the start: everything from the first printk shows.
tmux -u new-session -d -s a -x 160 -y 50 'cohort console box; sleep 2'
expect a "escape character is" "banner"
start_to_init box 2
expect a "Linux version" "boot log from the first printk"
expect a "cohort-instance: box init running" "init's line"
[ "$(writer)" != 0 ] && ok "console_writer names the attached writer ($(writer))" ||
	bad "console_writer is 0 while attached"

keys a Enter
expect a 'root@box:~#' "a shell prompt" 60
keys a 'echo $((6 * 7))-answer' Enter
expect a '^42-answer' "a command runs and prints"
keys a 'tty; echo tty-done' Enter
expect a '^/dev/ttyCH0' "the shell's terminal is /dev/ttyCH0"

# ^C reaches the foreground job through the line discipline.
keys a 'sleep 1000' Enter
sleep 2
keys a C-c
keys a 'echo "sleep ended $?"' Enter
expect a '^sleep ended 130' "^C interrupts the foreground sleep (status 130)"

# Job control: ^Z stops the job, jobs lists it, fg resumes, ^C ends it.
keys a 'sleep 999' Enter
sleep 2
keys a C-z
expect a 'Stopped.*sleep 999' "^Z stops the foreground job"
keys a 'jobs; echo jobs-done' Enter
expect a '^jobs-done' "jobs runs"
keys a 'fg' Enter
sleep 1
keys a C-c
keys a 'echo "after fg $?"' Enter
expect a '^after fg 130' "fg resumes it and ^C ends it"

# A second writer is refused and says why; nothing changes.
w=$(writer)
if out=$(cohort console box </dev/null 2>&1); then
	bad "a second writer was let in"
else
	echo "$out" | grep -q "has a writer" && echo "$out" | grep -q -- "--force" &&
		ok "a second writer is refused: $(echo "$out" | head -n 1)" ||
		bad "second writer's message: $out"
fi
[ "$(writer)" = "$w" ] && ok "the first writer keeps the console" || bad "writer changed to $(writer)"

# A reader beside the writer sees what the writer's shell prints.
tmux -u new-session -d -s r -x 160 -y 50 'cohort console -r box; sleep 2'
expect r "escape character is" "a read-only reader attaches"
keys a 'echo reader-$((100 + 23))' Enter
expect r '^reader-123' "the reader sees the writer's output"
[ "$(writer)" = "$w" ] && ok "a reader takes no writer slot" || bad "writer is $(writer)"

# ^] detaches; the console has no writer any more.
keys a C-]
wait_for 10 pane_dead a && ok "^] ends cohort console" || bad "cohort console still running after ^]"
expect a "detached from box" "detach message"
wait_for 5 eval '[ "$(writer)" = 0 ]' && ok "no writer after detach" || bad "writer is $(writer) after detach"

# Attach again: the shell is still there.
tmux -u new-session -d -s b -x 160 -y 50 'cohort console --no-history box; sleep 2'
expect b "escape character is" "attached again"
screen_has b "Linux version" && bad "--no-history replayed the boot log"
keys b 'echo back-$((2 + 2))' Enter
expect b '^back-4' "the same shell answers after reattaching"

# --force takes over; the old writer is told and exits.
tmux -u new-session -d -s c -x 160 -y 50 'cohort console --force --no-history box; sleep 2'
expect b "another writer took over" "the old writer is told"
wait_for 10 pane_dead b && ok "the old writer exits" || bad "the old writer still runs"
keys c 'echo forced-$((3 * 3))' Enter
expect c '^forced-9' "the new writer types into the shell"

# A paste much larger than the 16 KiB input buffer arrives byte for byte
# (the writer waits for the instance instead of losing input).
i=0
: >/tmp/paste
while [ $i -lt 1500 ]; do
	echo "line $i of the paste, padded to be a bit longer" >>/tmp/paste
	i=$((i + 1))
done
want=$(md5sum </tmp/paste | cut -d' ' -f1)
keys c 'stty -echo; cat >/tmp/p' Enter
sleep 1
tmux -u load-buffer /tmp/paste
tmux -u paste-buffer -t c
keys c C-d
keys c 'stty echo; echo "sum $(md5sum </tmp/p | cut -d" " -f1) $(wc -c </tmp/p)"' Enter
expect c "sum $want $(wc -c </tmp/paste)" "a $(wc -c </tmp/paste)-byte paste arrives whole" 120
keys c C-]
wait_for 10 pane_dead c || bad "cohort console --force did not detach"

# Input from a pipe: typed as is; output followed until interrupted.
(echo 'echo "piped $((5 + 5))"'; sleep 30) | cohort console --no-history box >/tmp/piped 2>&1 &
pid=$!
wait_for 30 grep -q '^piped 10' /tmp/piped && ok "input from a pipe" ||
	{ bad "piped input"; cat /tmp/piped; }
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true

# Input while the instance is stopped is refused, and a restart shows its
# new boot to a console that stayed attached.
tmux -u new-session -d -s d -x 160 -y 50 'cohort console --no-history box; sleep 2'
expect d "escape character is" "attached before a stop"
cohort stop box
keys d 'x'
expect d "box is not running" "typing into a stopped instance says so"
cohort start box
expect d "cohort-instance: box init running" "a console that stays attached shows the next boot" 180
keys d Enter
expect d 'root@box:~#' "a new shell after the restart" 60
keys d C-]

cohort stop box
cohort delete box
tmux -u kill-server
exit_if_failed console
echo "console: a person's terminal, job control, detach/attach, one writer"
