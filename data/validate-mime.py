#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a shared-mime-info package file, and that every MIME type a desktop
file claims to open is defined there or by the system.

update-mime-database cannot do this job: it skips a broken file and still
exits with 0, so a typo would only show as Volley not opening its profiles.

Usage: validate-mime.py MIME-XML [DESKTOP-FILE]
"""

import configparser
import os
import re
import sys
import xml.etree.ElementTree as ElementTree

NS = '{http://www.freedesktop.org/standards/shared-mime-info}'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
MEDIA_TYPE = re.compile(r'^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$', re.I)
# The elements that the Shared MIME-info Database spec allows in a <mime-type>.
KNOWN_CHILDREN = {
    'comment', 'acronym', 'expanded-acronym', 'icon', 'generic-icon', 'glob',
    'glob-deleteall', 'magic', 'magic-deleteall', 'treemagic', 'root-XML',
    'alias', 'sub-class-of',
}


def check_mime_type(mime_type, problems):
    name = mime_type.get('type', '')
    where = 'mime-type “{}”'.format(name)

    if not MEDIA_TYPE.match(name):
        problems.append('{}: “type” is not a media type'.format(where))

    for child in mime_type:
        local = child.tag.replace(NS, '', 1)
        if not child.tag.startswith(NS) or local not in KNOWN_CHILDREN:
            problems.append('{}: unknown element <{}>'.format(where, child.tag))

    comments = [c for c in mime_type.findall(NS + 'comment') if c.get(XML_LANG) is None]
    if len(comments) != 1 or not (comments[0].text or '').strip():
        problems.append('{}: needs exactly one untranslated <comment>'.format(where))

    for glob in mime_type.findall(NS + 'glob'):
        if not glob.get('pattern'):
            problems.append('{}: <glob> without a pattern'.format(where))
        weight = glob.get('weight', '50')
        if not weight.isdigit() or not 0 <= int(weight) <= 100:
            problems.append('{}: glob weight “{}” is not 0 to 100'.format(where, weight))

    for element in ('sub-class-of', 'alias'):
        for parent in mime_type.findall(NS + element):
            if not MEDIA_TYPE.match(parent.get('type', '')):
                problems.append('{}: <{}> without a media type'.format(where, element))

    return name


def desktop_mime_types(path):
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding='utf-8')
    value = parser.get('Desktop Entry', 'MimeType', fallback='')
    return [t for t in value.split(';') if t]


def known_to_system(mime_type):
    dirs = os.environ.get('XDG_DATA_DIRS') or '/usr/local/share:/usr/share'
    return any(os.path.exists(os.path.join(d, 'mime', mime_type + '.xml'))
               for d in dirs.split(':') if d)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2

    problems = []
    try:
        root = ElementTree.parse(argv[1]).getroot()
    except ElementTree.ParseError as error:
        print('{}: {}'.format(argv[1], error), file=sys.stderr)
        return 1

    if root.tag != NS + 'mime-info':
        problems.append('root element is <{}>, not <mime-info> in the '
                        'shared-mime-info namespace'.format(root.tag))

    defined = {check_mime_type(t, problems) for t in root.findall(NS + 'mime-type')}
    if not defined:
        problems.append('defines no <mime-type>')

    if len(argv) == 3:
        for claimed in desktop_mime_types(argv[2]):
            if claimed not in defined and not known_to_system(claimed):
                problems.append('{} claims “{}”, which is defined neither here nor '
                                'in the system MIME database'.format(argv[2], claimed))

    for problem in problems:
        print('{}: {}'.format(argv[1], problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
