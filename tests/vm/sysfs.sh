# Cohort's sysfs directory in the primary: version and role.
# vm: --smp 2 --mem 512M
# timeout: 120
set -e
. /tests/vm/lib/common.sh
v=$(cat /sys/kernel/cohort/version)
[ -n "$v" ] || { echo "empty version"; exit 1; }
echo "$v" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || { echo "odd version '$v'"; exit 1; }
r=$(cat /sys/kernel/cohort/role)
[ "$r" = primary ] || { echo "role is '$r', expected primary"; exit 1; }
# Read-only: a write must be refused.
if echo instance >/sys/kernel/cohort/role 2>/dev/null; then
	echo "role was writable"; exit 1
fi
[ "$(cat /sys/kernel/cohort/role)" = primary ]
echo "version $v, role $r"
