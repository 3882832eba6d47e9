"""@norse_conformance: the Norse conformance fixtures in ../shared/conformance.

The folder lives beside the workspace, not in it, so a repository rule links it in. When it is
missing the repository is empty and the conformance runner fails with "no fixtures found"
(it never passes vacuously). At run time NORSE_CONFORMANCE_DIR (--test_env) overrides it.
"""

def _conformance_fixtures_impl(rctx):
    workspace = rctx.path(Label("//:WORKSPACE")).dirname
    fixtures = workspace.dirname.get_child("shared").get_child("conformance")
    if fixtures.exists:
        rctx.symlink(fixtures, "fixtures")
    else:
        rctx.file("fixtures/MISSING", "no ../shared/conformance beside the workspace\n")
    # A fixed file next to fixtures/ that tests can name with $(rootpath).
    rctx.file("anchor", "fixtures are in the folder fixtures/ beside this file\n")
    rctx.file("BUILD", """
package(default_visibility = ["//visibility:public"])

filegroup(
    name = "fixtures",
    srcs = glob(["fixtures/*.json", "fixtures/README.md", "fixtures/MISSING"]),
)

exports_files(["anchor"])
""")

conformance_fixtures = repository_rule(
    implementation = _conformance_fixtures_impl,
    local = True,
)
