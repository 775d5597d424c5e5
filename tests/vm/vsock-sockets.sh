# AF_VSOCK semantics between the primary and an instance that socat
# cannot show (cohort-vsock-check): each kernel's local CID query answers
# its CID, seqpacket records keep their boundaries, a half-closed stream
# still carries the answer back, the receiver's SO_VM_SOCKETS_BUFFER_SIZE
# bounds what a sender can queue, close with unread data does not hang,
# a listener that never accepts queues its backlog and refuses the rest.
# vm: --smp 4 --mem 2G --append cohort_pool=768M
# timeout: 400
set -eu
. /tests/vm/lib/common.sh

make_initrd s <<'CMD'
echo "local-cid $(cohort-vsock-check cid)"
cohort-vsock-check serve 9000
CMD
cohort create s --cpus 2-3 --memory 256M
cohort load s --kernel /boot/bzImage --initrd /tmp/initrd-s
start_to_init s 2
wait_for 60 console_has s 'serving on 9000' || die "the servers did not start"

[ "$(cohort-vsock-check cid)" = 2 ] && ok "the primary's local CID is 2" ||
	bad "the primary's local CID is $(cohort-vsock-check cid)"
cohort log s | tr -d '\r' | grep -q '^local-cid 3$' && ok "the instance's local CID is 3" ||
	bad "the instance says: $(cohort log s | grep local-cid)"
cohort-vsock-check client 3 9000 || failed=$((failed + 1))

cohort stop --force s
cohort delete s
exit_if_failed vsock-sockets
echo "vsock-sockets: CIDs, seqpacket, half-close, buffer size"
