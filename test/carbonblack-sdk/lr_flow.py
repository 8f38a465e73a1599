"""The CBC SDK's live response flow, unchanged, against riposte: prints one JSON object of results.

Usage: lr_flow.py URL TOKEN ORG_KEY DEVICE_ID WORK_DIR SLEEP_PID WINDOWS_DEVICE_ID
"""
import io
import json
import sys

from cbc_sdk import CBCloudAPI
from cbc_sdk.errors import ApiError, ObjectNotFoundError
from cbc_sdk.platform import Device

url, token, org_key, device_id, work_dir, sleep_pid, windows_id = sys.argv[1:8]
device_id = int(device_id)
out = {}

cb = CBCloudAPI(url=url, token=token, org_key=org_key, ssl_verify=False)
device = cb.select(Device, device_id)
out["device"] = {"id": device.id, "name": device.name, "os": device.os}

try:
    cb.select(Device, 999999999).name
    out["unknown_device"] = "found"
except ObjectNotFoundError as e:
    out["unknown_device"] = "ObjectNotFoundError"

lr = device.lr_session()
out["session_id"] = lr.session_id
out["supported_commands"] = lr.session_data["supported_commands"]

lr.create_directory(work_dir + "/sdk")
out["listing"] = sorted(f["filename"] for f in lr.list_directory(work_dir + "/"))
lr.put_file(io.BytesIO(b"put by the CBC SDK\n"), work_dir + "/sdk/put.txt")
out["get_file"] = lr.get_file(work_dir + "/sdk/put.txt").decode()
out["create_process"] = lr.create_process("echo hello from the SDK").decode()
out["create_process_nowait"] = lr.create_process("true", wait_for_output=False, wait_for_completion=False)
procs = lr.list_processes()
out["sleep_listed"] = any(p["process_pid"] == int(sleep_pid) for p in procs)
lr.kill_process(int(sleep_pid))
lr.delete_file(work_dir + "/sdk/put.txt")
out["after_delete"] = sorted(f["filename"] for f in lr.list_directory(work_dir + "/sdk/"))

try:
    lr.list_registry_keys_and_values("HKLM\\SOFTWARE")
    out["registry"] = "ran"
except ApiError as e:
    out["registry"] = str(e)

try:
    lr.memdump(work_dir + "/mem.local")
    out["memdump"] = "ran"
except Exception as e:  # the SDK raises LiveResponseError or ApiError depending on where the refusal lands
    out["memdump"] = "%s: %s" % (type(e).__name__, e)

cb._lr_scheduler._send_keepalive(lr.session_id)
out["keepalive"] = "ok"
lr.close()

# The registry calls, on a (simulated) Windows device.
win = cb.select(Device, int(windows_id)).lr_session()
key = "HKLM\\SOFTWARE\\RiposteTest"
win.create_registry_key(key)
win.set_registry_value(key + "\\Color", "blue")
out["reg_value"] = win.get_registry_value(key + "\\Color")
out["reg_list"] = win.list_registry_keys_and_values("HKLM\\SOFTWARE")
win.delete_registry_value(key + "\\Color")
out["reg_after_delete"] = win.list_registry_values(key)
win.delete_registry_key(key)
win.close()
print(json.dumps(out))
