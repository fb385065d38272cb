"""Validates cxone-flow's JUnit XML against the Jenkins/Ant JUnit XSD (junit-10.xsd).

The `file` and `line` attributes on <testcase> are the extension that the GitHub reporters read
(mikepenz/action-junit-report, EnricoMi/publish-unit-test-result-action); the XSD predates them, so
they are checked here (present, a path and a positive line) and then removed before validation.
Usage: python junit-xsd.py XSD JUNIT_XML
"""
import sys
import xml.etree.ElementTree as ET

import xmlschema

xsd_path, junit_path = sys.argv[1], sys.argv[2]
tree = ET.parse(junit_path)
cases = tree.getroot().iter("testcase")
count = 0
for case in cases:
    count += 1
    file, line = case.attrib.pop("file", None), case.attrib.pop("line", None)
    if not file or not line or not line.isdigit() or int(line) < 1:
        sys.exit(f"testcase {case.get('name')!r} lacks a file and a positive line: {file!r} {line!r}")
if count == 0:
    sys.exit("no testcase in the report")
schema = xmlschema.XMLSchema(xsd_path)
schema.validate(ET.tostring(tree.getroot(), encoding="unicode"))
print(f"{junit_path}: {count} testcases valid against {xsd_path.rsplit('/', 1)[-1]} (file/line as extension)")
