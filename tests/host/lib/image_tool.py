#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of tests/host/image.sh, Python's standard library only.

  image_tool.py tree DIR            one line per path below DIR: type, mode,
                                    owner, size, sha256, link target,
                                    hard-link group, mtime of regular files
  image_tool.py config LAYOUT TAG   the image config of LAYOUT:TAG, as the
                                    fields cohort-image inspect -j prints
  image_tool.py inspect JSON        the same fields out of inspect -j output
  image_tool.py flip LAYOUT TAG     flip a byte in the middle of the last layer
  image_tool.py drop LAYOUT TAG     delete the last layer's blob
  image_tool.py set-layer LAYOUT TAG KEY VALUE
                                    set KEY of the last layer's descriptor
  image_tool.py add-layer LAYOUT TAG KIND
                                    append a hostile layer: KIND dotdot (a
                                    member ../x) or symlink (link -> /etc,
                                    then link/passwd)
  image_tool.py docker-flip FILE    flip a byte of a layer in a docker-archive
"""
import gzip
import hashlib
import io
import json
import os
import stat
import sys
import tarfile


def tree(root):
    groups = {}
    out = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            kind = stat.S_IFMT(st.st_mode)
            line = [rel, oct(kind), oct(stat.S_IMODE(st.st_mode)),
                    '%d:%d' % (st.st_uid, st.st_gid)]
            if stat.S_ISREG(kind):
                with open(p, 'rb') as f:
                    h = hashlib.sha256(f.read()).hexdigest()
                key = (st.st_dev, st.st_ino)
                groups.setdefault(key, rel)
                line += [str(st.st_size), h, 'links=' + groups[key],
                         'mtime=%d' % st.st_mtime_ns]
            elif stat.S_ISLNK(kind):
                line += ['-> ' + os.readlink(p)]
            elif stat.S_ISCHR(kind) or stat.S_ISBLK(kind):
                line += ['dev=%d,%d' % (os.major(st.st_rdev),
                                        os.minor(st.st_rdev))]
            out.append(' '.join(line))
    print('\n'.join(out))


def blob_path(layout, digest):
    return os.path.join(layout, 'blobs', 'sha256', digest.split(':', 1)[1])


def read_blob(layout, digest):
    with open(blob_path(layout, digest), 'rb') as f:
        return f.read()


def write_blob(layout, data):
    digest = 'sha256:' + hashlib.sha256(data).hexdigest()
    with open(blob_path(layout, digest), 'wb') as f:
        f.write(data)
    return digest, len(data)


def manifest_of(layout, tag):
    with open(os.path.join(layout, 'index.json')) as f:
        index = json.load(f)
    for desc in index['manifests']:
        if desc.get('annotations', {}).get(
                'org.opencontainers.image.ref.name') == tag:
            return index, desc, json.loads(read_blob(layout, desc['digest']))
    sys.exit('no tag ' + tag)


def save_manifest(layout, index, desc, manifest):
    desc['digest'], desc['size'] = write_blob(
        layout, json.dumps(manifest).encode())
    with open(os.path.join(layout, 'index.json'), 'w') as f:
        json.dump(index, f)


def config_fields(cfg):
    c = cfg.get('config') or {}
    labels = c.get('Labels') or {}
    return {'env': c.get('Env'), 'entrypoint': c.get('Entrypoint'),
            'cmd': c.get('Cmd'), 'working_dir': c.get('WorkingDir') or None,
            'user': c.get('User') or None, 'labels': labels,
            'os': cfg.get('os'), 'architecture': cfg.get('architecture')}


def hostile_tar(kind):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=tarfile.PAX_FORMAT) as t:
        def add(name, data=None, link=None):
            ti = tarfile.TarInfo(name)
            if link:
                ti.type = tarfile.SYMTYPE
                ti.linkname = link
            if data is not None:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
        if kind == 'dotdot':
            add('../x', b'escaped\n')
        else:
            add('link', link='/etc')
            add('link/passwd', b'pwned::0:0::/:/bin/sh\n')
    return buf.getvalue()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'tree':
        tree(args[0])
    elif cmd == 'config':
        _, _, m = manifest_of(args[0], args[1])
        cfg = json.loads(read_blob(args[0], m['config']['digest']))
        print(json.dumps(config_fields(cfg), sort_keys=True))
    elif cmd == 'inspect':
        with open(args[0]) as f:
            j = json.load(f)
        print(json.dumps({k: j[k] for k in (
            'env', 'entrypoint', 'cmd', 'working_dir', 'user', 'labels',
            'os', 'architecture')}, sort_keys=True))
    elif cmd in ('flip', 'drop', 'set-layer'):
        _, _, m = manifest_of(args[0], args[1])
        layer = m['layers'][-1]
        path = blob_path(args[0], layer['digest'])
        if cmd == 'drop':
            os.unlink(path)
        elif cmd == 'flip':
            with open(path, 'r+b') as f:
                data = bytearray(f.read())
                data[len(data) // 2] ^= 0x01
                f.seek(0)
                f.write(data)
        else:
            index, desc, m = manifest_of(args[0], args[1])
            m['layers'][-1][args[2]] = args[3]
            save_manifest(args[0], index, desc, m)
    elif cmd == 'add-layer':
        layout, tag, kind = args
        index, desc, m = manifest_of(layout, tag)
        raw = hostile_tar(kind)
        digest, size = write_blob(layout, gzip.compress(raw, mtime=0))
        m['layers'].append({
            'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip',
            'digest': digest, 'size': size})
        cfg = json.loads(read_blob(layout, m['config']['digest']))
        cfg['rootfs']['diff_ids'].append(
            'sha256:' + hashlib.sha256(raw).hexdigest())
        m['config']['digest'], m['config']['size'] = write_blob(
            layout, json.dumps(cfg).encode())
        save_manifest(layout, index, desc, m)
    elif cmd == 'docker-flip':
        src = args[0]
        with tarfile.open(src) as t:
            members = [(ti, t.extractfile(ti).read() if ti.isfile() else None)
                       for ti in t.getmembers()]
        manifest = json.loads(next(d for ti, d in members
                                   if ti.name == 'manifest.json'))
        victim = manifest[0]['Layers'][-1]
        with tarfile.open(src + '.new', 'w', format=tarfile.PAX_FORMAT) as t:
            for ti, data in members:
                if ti.name == victim:
                    data = bytearray(data)
                    data[len(data) // 2] ^= 0x01
                    data = bytes(data)
                t.addfile(ti, io.BytesIO(data) if data is not None else None)
        os.replace(src + '.new', src)
    else:
        sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
