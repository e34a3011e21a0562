"""A QR scanner in serial mode: the ID card's UTF-8 Vietnamese arrives intact, one code per line.

The "scanner" is the master end of a real pseudo-terminal: the reader opens the slave by its
path as it would open /dev/ttyACM0, sets it raw, and reads what is written to the master.
"""

from __future__ import annotations

import os
import queue

import pytest

from scanning.serial_qr import SerialCodeReader, SerialSpec, parse_scanner, split_codes

ID_QR = "001090012345|123456789|Nguyễn Văn Hòa|15031990|Nam|Số 5 Đội Cấn, Ba Đình, Hà Nội|10082021"


def test_the_setting_names_the_port_and_its_speed() -> None:
    assert parse_scanner("keyboard") is None and parse_scanner("") is None
    assert parse_scanner("serial:/dev/ttyACM0") == SerialSpec("/dev/ttyACM0", 9600)
    assert parse_scanner("serial:/dev/ttyUSB0:115200") == SerialSpec("/dev/ttyUSB0", 115200)
    for wrong in ("serial:", "serial:/dev/ttyUSB0:9601", "serial:/dev/ttyUSB0:fast"):
        with pytest.raises(ValueError):
            parse_scanner(wrong)


def test_codes_split_on_cr_lf_or_both_and_a_half_code_waits() -> None:
    data = (ID_QR + "\r\n").encode() + b"HTTPS://H/T/AB\rXY\n\n" + b"Nguy"
    codes, rest = split_codes(data)
    assert codes == [ID_QR, "HTTPS://H/T/AB", "XY"]
    assert rest == b"Nguy"
    codes, rest = split_codes(rest + "ễn\r".encode())
    assert codes == ["Nguyễn"] and rest == b""
    # decomposed accents (some scanners) come out composed, as typed text is
    assert split_codes("Hoa\u0300\n".encode()) == (["Hoà"], b"")
    assert split_codes(b"\xff\xfeab\n")[0] == ["\ufffd\ufffdab"]  # a misread stays visible


def test_the_reader_hands_over_each_code_from_a_real_tty() -> None:
    master, slave = os.openpty()
    path = os.ttyname(slave)
    got: queue.Queue[str] = queue.Queue()
    reader = SerialCodeReader(SerialSpec(path), got.put).start()
    try:
        assert reader.connected.wait(5)
        os.write(master, (ID_QR + "\r\n").encode())
        os.write(master, b"HTTPS://MOTCUA.HANOI.GOV.VN/T/AEAQ")
        os.write(master, b"CAIB\r\n")
        assert got.get(timeout=5) == ID_QR
        assert got.get(timeout=5) == "HTTPS://MOTCUA.HANOI.GOV.VN/T/AEAQCAIB"
    finally:
        reader.stop()
        os.close(master)
        os.close(slave)


def test_a_missing_port_is_said_and_tried_again() -> None:
    problems: queue.Queue[str] = queue.Queue()
    reader = SerialCodeReader(SerialSpec("/dev/does-not-exist-qr"), lambda _c: None, problems.put).start()
    try:
        assert "/dev/does-not-exist-qr" in problems.get(timeout=5)
    finally:
        reader.stop()
