#!/usr/bin/env bash
# The gettext catalogs (ground/translations/{zh_CN,en}/LC_MESSAGES/messages.po), one for every package.
#
#   bash scripts/i18n.sh update    extract the messages (babel.cfg) and update both catalogs (the default);
#                                  new messages arrive with an empty msgstr: translate them in zh_CN
#   bash scripts/i18n.sh check     fail if a catalog is stale or a zh_CN message untranslated or fuzzy
#   bash scripts/i18n.sh compile   compile the .mo files (optional: the app compiles the .po in memory)
#   bash scripts/i18n.sh extract F write the extracted template to F (tests/test_i18n_catalog.py)
#
# The catalogs are written sorted and without source locations, so that branches merge without conflicts.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-$( [ -x .venv/bin/pybabel ] && echo .venv/bin/pybabel || echo pybabel )}
DIR=ground/translations
POT=$(mktemp --suffix .pot)
trap 'rm -f "$POT"' EXIT

extract() {
    "$PYBABEL" -q extract -F babel.cfg -k _l -k _lp:1c,2 -k _ln:1,2 -k NP_:1c,2 --no-location --sort-output \
        --project ecopanel -o "$POT" .
}

case "${1:-update}" in
    update)
        extract
        for locale in zh_CN en; do
            if [ ! -f "$DIR/$locale/LC_MESSAGES/messages.po" ]; then
                "$PYBABEL" -q init -i "$POT" -d "$DIR" -l "$locale" --no-wrap
            fi
            "$PYBABEL" -q update -i "$POT" -d "$DIR" -l "$locale" --no-fuzzy-matching --ignore-obsolete \
                --ignore-pot-creation-date --no-wrap
        done
        ;;
    check)
        extract
        for locale in zh_CN en; do
            "$PYBABEL" -q update -i "$POT" -d "$DIR" -l "$locale" --no-fuzzy-matching --ignore-obsolete \
                --ignore-pot-creation-date --no-wrap --check
        done
        "$PYBABEL" compile -i "$DIR/zh_CN/LC_MESSAGES/messages.po" -l zh_CN --statistics -o /dev/null
        ;;
    extract)
        extract
        cp "$POT" "${2:?usage: $0 extract FILE}"
        ;;
    compile)
        "$PYBABEL" compile -d "$DIR" --statistics
        ;;
    *)
        echo "usage: $0 [update|check|compile|extract FILE]" >&2
        exit 2
        ;;
esac
