# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM (busybox sh): two instances beside the primary.
set -e
step() { printf '\n== %s\n' "$*"; }

# An instance initramfs that runs a few commands at boot (an extra cpio
# archive appended to the default one).
instance_initrd() { # name out
	mkdir -p "/tmp/$1/cohort"
	cat >"/tmp/$1/cohort/cmd" <<'CMD'
echo "hello from $(hostname): kernel $(uname -r), role $(cat /sys/kernel/cohort/role), id $(cat /sys/kernel/cohort/id)"
echo "$(hostname) sees CPUs $(cat /sys/devices/system/cpu/online) and $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"
mkdir -p /mnt/shared
if mount -t cohortfs -o region=shared none /mnt/shared; then
	echo "$(hostname) reads from cohortfs: $(cat /mnt/shared/motd)"
	echo "$(hostname) was here" >>/mnt/shared/guestbook
else
	echo "$(hostname): region 'shared' is not granted to it, mount refused"
fi
# A TCP service on its network link (eth0, cohort.ip= on its command line).
socat TCP-LISTEN:80,fork SYSTEM:'echo hello over the network from `hostname`' </dev/null >/dev/null 2>&1 &
# A vsock service (AF_VSOCK port 7000) any kernel can reach.
socat VSOCK-LISTEN:7000,fork SYSTEM:'echo hello from `hostname` at CID `cohort-vsock-check cid`' </dev/null >/dev/null 2>&1 &
# Its memory and CPUs, for whoever asks on vsock port 7002.
cat >/tmp/mem.sh <<'MEM'
echo "$(hostname) sees CPUs $(cat /sys/devices/system/cpu/online) and $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB"
MEM
socat VSOCK-LISTEN:7002,fork SYSTEM:'sh /tmp/mem.sh' </dev/null >/dev/null 2>&1 &
# Root here trying to map memory that is not its own: refused.
mount -t cohortfs -o phys=0x100000000,size=0x1000000,format none /mnt/shared 2>/dev/null ||
	echo "$(hostname): phys= refused: $(dmesg | grep -o 'phys= is refused in an instance' | tail -n 1)"
CMD
	(cd "/tmp/$1" && find . | cpio -o -H newc 2>/dev/null | gzip) >"/tmp/$1.extra"
	cat /boot/instance-initrd.cpio.gz "/tmp/$1.extra" >"$2"
}

wait_exit() { # name
	n=300
	until cohort log "$1" | grep -q 'COHORT-EXIT'; do
		n=$((n - 1))
		[ $n -gt 0 ] || { echo "instance $1 did not finish its commands"; exit 1; }
		sleep 0.2
	done
}

step "The primary kernel"
uname -a
echo "CPUs online: $(cat /sys/devices/system/cpu/online)"
for n in /sys/devices/system/node/node*; do
	echo "$(basename "$n"): CPUs $(cat "$n/cpulist")"
done
cohort pool

step "The idle pool is lent to the primary: 300 MiB written to a tmpfs land partly in it"
mkdir -p /mnt/fill
mount -t tmpfs -o size=1G fill /mnt/fill
dd if=/dev/zero of=/mnt/fill/data bs=1M count=300 2>/dev/null
cohort pool

step "A region of the pool, shared by all kernels, with a cohortfs on it"
cohort region create shared --size 32M
mkdir -p /mnt/shared
mount -t cohortfs -o region=shared,format none /mnt/shared
echo "written by the primary" >/mnt/shared/motd
cohort region

step "Create two instances, each with a network link: 'web' on CPU 1, 'db' on two whole cores of one NUMA node, placed by cohort"
cohort create web --cpus 1 --memory 192M --net
cohort create db --cpu-count 2 --memory 384M --net --dry-run
cohort create db --cpu-count 2 --memory 384M --net
echo "The primary's pages moved out of the memory they took; its file is intact:"
cohort pool | grep -E "^lent"
dd if=/dev/zero bs=1M count=300 2>/dev/null | cmp -s - /mnt/fill/data &&
	echo "its 300 MiB file reads back as written"
umount /mnt/fill
instance_initrd web /tmp/web.cpio.gz
instance_initrd db /tmp/db.cpio.gz
cohort load web --kernel /boot/bzImage --initrd /tmp/web.cpio.gz --cmdline cohort.ip=169.254.10.2/24
cohort load db --kernel /boot/bzImage --initrd /tmp/db.cpio.gz --cmdline cohort.ip=169.254.10.3/24 --shell
cohort list

step "Their links end in the primary as coh-web and coh-db: bridge them, with the primary on the bridge"
/usr/sbin/ip link add br0 type bridge
/usr/sbin/ip link set coh-web master br0
/usr/sbin/ip link set coh-db master br0
for i in coh-web coh-db br0; do /usr/sbin/ip link set "$i" up; done
/usr/sbin/ip addr add 169.254.10.1/24 dev br0

step "Grant the region to 'web' only: an instance maps nothing it was not given"
cohort region grant shared web
cohort region

step "Start both"
cohort start web
cohort start db
wait_exit web
wait_exit db
echo "primary now has CPUs $(cat /sys/devices/system/cpu/online) online"
cohort list
cohort net list

step "Console of 'web' (cohort log web | tail)"
cohort log web | tail -n 6
step "Console of 'db' (cohort log db | tail)"
cohort log db | tail -n 6

step "A person at db's console: cohort console db (in tmux; Ctrl-] detaches)"
export TERM=xterm
tmux new-session -d -s demo -x 100 -y 30 'cohort console --no-history db'
type_in() { tmux send-keys -t demo "$@"; sleep 2; }
sleep 1
type_in Enter
type_in 'hostname; nproc; tty' Enter
type_in 'sleep 300' Enter
type_in C-c
type_in 'echo "sleep was interrupted: status $?"' Enter
type_in 'cat /proc/loadavg; uptime' Enter
type_in 'socat - VSOCK-CONNECT:3:7000   # web, instance to instance' Enter
type_in 'ping -c 2 169.254.10.2   # web, over the network through br0' Enter
echo "--- what the terminal shows:"
tmux capture-pane -p -t demo | grep -v '^$'
echo "--- console_writer of db: $(cat /sys/kernel/cohort/instances/db/console_writer) (the cohort console process)"
tmux send-keys -t demo C-]
sleep 1
tmux kill-server 2>/dev/null || true

step "Sockets between kernels: AF_VSOCK, the primary is CID 2, instance N is N + 2"
echo "web is CID $(cat /sys/kernel/cohort/instances/web/cid), db is CID $(cat /sys/kernel/cohort/instances/db/cid)"
echo "primary -> web: $(socat - VSOCK-CONNECT:3:7000 </dev/null)"
echo "primary -> db:  $(socat - VSOCK-CONNECT:4:7000 </dev/null)"
echo "primary -> port 7001 of web: $(socat - VSOCK-CONNECT:3:7001 </dev/null 2>&1 | grep -o 'Connection refused')"

step "The network: ping and TCP from the primary through br0"
/usr/bin/ping -c 3 -i 0.2 169.254.10.2 | tail -n 2
echo "primary -> TCP port 80 of web: $(socat - TCP:169.254.10.2:80 </dev/null)"
echo "primary -> TCP port 80 of db:  $(socat - TCP:169.254.10.3:80 </dev/null)"
/usr/sbin/ip -s link show coh-web | sed -n '1p;3,6p'

step "The primary keeps working meanwhile"
dd if=/dev/zero bs=1M count=64 2>/dev/null | md5sum

step "Memory while it runs: 128 MiB more for web, from the pool, and back (cohort set)"
echo "web before: $(socat - VSOCK-CONNECT:3:7002 </dev/null)"
cohort set web --memory +128M --dry-run
cohort set web --memory +128M
cohort list | grep -E "^NAME|^web"
sleep 1
echo "web after:  $(socat - VSOCK-CONNECT:3:7002 </dev/null)"
cohort set web --memory -128M
echo "web back:   $(socat - VSOCK-CONNECT:3:7002 </dev/null)"

step "What the instances wrote into the shared cohortfs"
cat /mnt/shared/guestbook

step "Stop both; the CPUs come back to the primary"
cohort stop web
cohort stop db
cohort list
echo "primary CPUs online: $(cat /sys/devices/system/cpu/online)"
cohort delete web
cohort delete db
umount /mnt/shared
cohort region delete shared

step "cohortd: a declared service with a warm standby heals a crash and takes a new kernel, under a running client"
instance_initrd svc /tmp/svc.initrd
mkdir -p /tmp/conf
conf() { # release
	cat >/tmp/conf/svc.conf <<EOF
[instance]
cpus = 1
memory = 128M
kernel = /boot/bzImage
initrd = /tmp/svc.initrd
cmdline = quiet release=$1
restart = on-failure
standby = yes
[health]
vsock-port = 7000
EOF
}
conf 1
cat /tmp/conf/svc.conf
events() { # how many EVENT events of svc (0 before the file exists)
	n=$(grep -c "\"instance\":\"svc\",\"event\":\"$1\"" /var/lib/cohort/events.jsonl 2>/dev/null)
	echo "${n:-0}"
}
until_event() { # event count
	i=0
	until [ "$(events "$1")" -ge "$2" ] || [ $i -ge 600 ]; do sleep 0.2; i=$((i + 1)); done
}
cohortd --config-dir /tmp/conf >/tmp/cohortd.log 2>&1 &
cohortd_pid=$!
until_event standby-ready 1
cohort daemon status
echo "+ socat - VSOCK-CONNECT:3:7000"
socat - VSOCK-CONNECT:3:7000 </dev/null
echo "+ a client asks CID 3 over and over (cohort-svc-gap) while svc's kernel panics"
cohort-svc-gap vsock 3 7000 12 >/tmp/gap &
gap=$!
sleep 2
cohort exec svc -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null 2>&1 || true
until_event took-over 1
wait $gap || true
echo "client: $(cut -d' ' -f1-6 /tmp/gap)"
echo "+ socat - VSOCK-CONNECT:3:7000    (the standby's kernel answers at svc's address)"
socat - VSOCK-CONNECT:3:7000 </dev/null
until_event standby-ready 2
echo "+ a new kernel command line in svc.conf (release=2); cohort apply, with the client asking throughout"
conf 2
cohort-svc-gap vsock 3 7000 40 >/tmp/gap &
gap=$!
sleep 2
cohort apply --dir /tmp/conf
until_event updated 1
wait $gap || true
echo "client: $(cut -d' ' -f1-6 /tmp/gap)"
echo "svc now boots: $(cat /sys/kernel/cohort/instances/svc/cmdline)"
echo "+ cohort events svc"
cohort events svc | cut -c1-150
kill $cohortd_pid
wait $cohortd_pid 2>/dev/null || true
cohort stop --force svc.standby >/dev/null 2>&1 || true
cohort delete svc.standby >/dev/null 2>&1 || true
cohort list

step "A kernel that panics: its memory saved as a crash dump (cohort dump), read with makedumpfile"
cohort exec svc -- sh -c 'echo c >/proc/sysrq-trigger' >/dev/null 2>&1 || true
i=0
until [ "$(cat /sys/kernel/cohort/instances/svc/state)" = failed ] || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
echo "svc is $(cat /sys/kernel/cohort/instances/svc/state): $(cat /sys/kernel/cohort/instances/svc/stop_reason)"
cohort stop --force svc
echo "+ cohort dump svc /tmp/svc.core"
cohort dump svc /tmp/svc.core
echo "+ makedumpfile --dump-dmesg /tmp/svc.core /tmp/svc.dmesg; grep -A2 'Kernel panic' /tmp/svc.dmesg"
makedumpfile --dump-dmesg /tmp/svc.core /tmp/svc.dmesg >/dev/null 2>&1 &&
	grep -m 1 -A2 'Kernel panic' /tmp/svc.dmesg || echo "(makedumpfile could not read it)"
rm -f /tmp/svc.core /tmp/svc.dmesg
cohort delete svc

step "cohort run: a container image (built with umoci) boots in a kernel of its own"
echo "+ cohort run --rm --memory 128M oci:/images/run:t 'echo \$FOO; id; pwd'"
cohort run --rm --memory 128M oci:/images/run:t 'echo $FOO; id; pwd' >/tmp/demo-out
st=$?
grep -v '^\[' /tmp/demo-out	# the instance kernel's first lines
echo "exit status: $st"
echo "+ cohort run -d --name job --memory 128M docker-archive:/images/run.tar 'sleep 1; exit 3'; cohort wait job"
cohort run -d --name job --memory 128M docker-archive:/images/run.tar 'sleep 1; exit 3'
echo "cohort wait job: $(cohort wait job)"
cohort delete job

step "A warm pool: instances booted ahead, so a run starts without a kernel boot"
echo "+ cohort warm fast --count 1 --memory 128M"
cohort warm fast --count 1 --memory 128M
t0=$(cut -d' ' -f1 /proc/uptime)
echo "+ cohort run --warm fast --rm oci:/images/run:t 'echo hello from \$(hostname)'"
cohort run --warm fast --rm oci:/images/run:t 'echo hello from $(hostname)' | grep -v '^\[\|^cohort-init:'
t1=$(cut -d' ' -f1 /proc/uptime)
echo "(no kernel booted for it: the whole run, to its power-off and deletion, took $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%d", (b - a) * 1000 }') ms in this emulated machine; a replacement boots in the background)"

step "A published port: the primary's TCP 8080 reaches the workload's 8000, over vsock"
ip link set lo up 2>/dev/null
echo "+ cohort run -d --name www --memory 128M -p 127.0.0.1:8080:8000 oci:/images/run:t '... busybox httpd -f -p 8000 ...'"
cohort run -d --name www --memory 128M -p 127.0.0.1:8080:8000 oci:/images/run:t \
	'mkdir -p /tmp/w && echo "served by $(hostname), a kernel of its own" >/tmp/w/index.html && exec /bin/busybox httpd -f -p 8000 -h /tmp/w'
i=0
while ! out=$(wget -q -O - http://127.0.0.1:8080/ 2>/dev/null) && [ $i -lt 100 ]; do
	sleep 0.2; i=$((i + 1))
done
echo "+ wget -q -O - http://127.0.0.1:8080/"
echo "$out"
cohort stop www >/dev/null
cohort delete www
cohort warm fast --count 0
cohort images
cohort rmi oci:/images/run:t >/dev/null || true
cohort rmi docker-archive:/images/run.tar >/dev/null 2>&1 || true
cohort pool

step "Nothing uses the pool now: it could go back to the primary for good (cohort pool release)"
cohort pool release --dry-run
echo
echo "demo: done"
