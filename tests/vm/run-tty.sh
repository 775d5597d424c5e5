# cohort run -it: the image's process gets the instance console as its
# terminal, driven here through a real terminal (tmux) as a person does:
# a shell that runs commands, ^C interrupts its foreground job, exit N
# ends cohort run with status N; ^] detaches and the instance keeps
# running.
# vm: --smp 4 --mem 2G --append cohort_pool=768M --add build/test-images:/images
# timeout: 400
set -u
. /tests/vm/lib/common.sh
. /tests/vm/lib/tmux.sh

IMG=oci:/images/run:t
tmux -u new-session -d -s a -x 160 -y 50 \
	"cohort run -it --name t1 --memory 128M $IMG /bin/sh; echo RUN-EXIT=\$?; sleep 600"
expect a "Connected to t1's console" "attached to the console" 60
expect a '/srv/app \$' "the image's shell prompts, in its WorkingDir" 120
keys a 'echo hi-$((40 + 2)); id -un; tty' Enter
expect a '^hi-42' "a command typed runs"
expect a '^app$' "as the image's User"
expect a '^/dev/ttyCH0' "on the instance console as its terminal"
keys a 'sleep 300' Enter
sleep 2
keys a C-c
keys a 'echo after-int' Enter
expect a '^after-int' "^C interrupted the foreground sleep"
keys a 'exit 5' Enter
expect a 'RUN-EXIT=5' "exit 5 ends cohort run -it with status 5" 60
[ "$(cat /sys/kernel/cohort/instances/t1/exit_status)" = 5 ] && ok "exit_status 5" ||
	bad "exit_status $(cat /sys/kernel/cohort/instances/t1/exit_status)"
cohort delete t1

tmux -u new-session -d -s b -x 160 -y 50 \
	"cohort run -t --name t2 --memory 128M $IMG /bin/sh; echo RUN-EXIT=\$?; sleep 600"
expect b '/srv/app \$' "a second run -t prompts" 120
keys b C-]
expect b 'keeps running' "^] detaches"
expect b 'RUN-EXIT=0' "cohort run returns 0 after a detach"
[ "$(cat /sys/kernel/cohort/instances/t2/state)" = running ] && ok "t2 still runs" ||
	bad "t2: $(cat /sys/kernel/cohort/instances/t2/state)"
cohort kill t2 && [ "$(cohort wait t2)" = 137 ] && ok "killed afterwards: 137" || bad "kill t2"
cohort delete t2
tmux -u kill-server
exit_if_failed run-tty
echo "run-tty: an image's shell on the instance console, through a terminal"
