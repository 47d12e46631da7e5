//! What the analyzer must resolve, and the look-alikes it must not.

use super::*;
use crate::analyze::facts::{role, Feature};

fn facts_at(path: &str, src: &str, heads: &[&str]) -> PythonFacts {
    let heads: HashSet<String> = heads.iter().map(|s| s.to_string()).collect();
    let packages: HashSet<String> = path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .into_iter()
        .collect();
    let module = crate::analyze::module_name(path, &packages);
    let heads = LocalHeads::new(&heads);
    let ctx = Context {
        path,
        module: &module,
        is_package: path.ends_with("__init__.py"),
        is_test: crate::analyze::is_test_path(path),
        local_heads: &heads,
        syntax_kinds: &[],
        keywords: true,
    };
    analyze(src, &ctx)
}

fn facts(src: &str) -> PythonFacts {
    facts_at("app.py", src, &[])
}

fn has_ref(f: &PythonFacts, qname: &str, r: u8) -> bool {
    f.refs.iter().any(|x| x.qname == qname && x.roles & r != 0)
}

fn has_feature(f: &PythonFacts, feature: Feature) -> bool {
    f.features.iter().any(|(x, _, _)| *x == feature)
}

/// Where a feature is stated, and with what detail.
fn stated(f: &PythonFacts, feature: Feature) -> Vec<(u32, &str)> {
    f.features
        .iter()
        .filter(|(x, _, _)| *x == feature)
        .map(|(_, line, detail)| (*line, detail.as_str()))
        .collect()
}

#[test]
fn aliases_and_from_imports_resolve() {
    let f = facts("import pytest as pt\nfrom pytest import fixture\n@pt.fixture\ndef a(): pass\n@fixture()\ndef b(): pass\n");
    assert_eq!(
        f.refs
            .iter()
            .filter(|r| r.qname == "pytest.fixture" && r.roles & role::DECORATOR != 0)
            .count(),
        2
    );
}

#[test]
fn a_local_named_like_a_module_is_not_the_module() {
    let f = facts("def parse(resp):\n    json = resp.text\n    return json.strip()\n");
    assert!(!f.refs.iter().any(|r| r.qname.starts_with("json")));
    let f = facts("import json\ndef parse(s):\n    json = s\n    return json.loads(s)\n");
    assert!(
        !has_ref(&f, "json.loads", role::CALL),
        "function-local json shadows the import"
    );
    let f = facts("import json\ndef parse(s):\n    return json.loads(s)\n");
    assert!(has_ref(&f, "json.loads", role::CALL));
}

#[test]
fn instances_carry_what_made_them() {
    let f = facts("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef index():\n    return 'x'\n");
    assert!(has_ref(&f, "flask.Flask().route", role::DECORATOR));
    assert!(has_ref(&f, "flask.Flask().route", role::CALL));
    let f = facts("import sqlite3\nconn = sqlite3.connect('x')\ncur = conn.cursor()\ncur.execute('select 1')\n");
    assert!(has_ref(
        &f,
        "sqlite3.connect().cursor().execute",
        role::CALL
    ));
}

#[test]
fn annotated_parameters_and_with_targets_are_instances() {
    let f = facts("from httpx import AsyncClient\nasync def f():\n    async with AsyncClient() as c:\n        await c.get('u')\n");
    assert!(has_ref(&f, "httpx.AsyncClient().get", role::CALL));
    assert!(has_feature(&f, Feature::AsyncWith));
    let f = facts("from fastapi.testclient import TestClient\ndef test_x(client: TestClient):\n    assert client.get('/').status_code == 200\n");
    assert!(has_ref(
        &f,
        "fastapi.testclient.TestClient().get",
        role::CALL
    ));
}

#[test]
fn open_in_a_with_is_a_with_item() {
    let f = facts("with open('f') as fh:\n    data = fh.read()\n");
    assert!(has_ref(&f, "builtins.open", role::WITH));
    let f = facts("fh = open('f')\n");
    assert!(!has_ref(&f, "builtins.open", role::WITH));
}

#[test]
fn relative_imports_are_deferred_to_the_repository() {
    let f = facts_at(
        "blog/models.py",
        "from .extensions import db\nclass Post(db.Model):\n    pass\n",
        &["blog"],
    );
    assert!(f
        .deferred
        .iter()
        .any(|r| r.qname == "blog.extensions.db.Model" && r.roles & role::BASE != 0));
}

#[test]
fn user_decorators_and_closures_are_told_apart() {
    let f = facts(
        "import functools\ndef logged(func):\n    @functools.wraps(func)\n    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n    return wrapper\n",
    );
    assert!(has_feature(&f, Feature::DecoratorDefinition));
    assert!(has_feature(&f, Feature::Closure));
    let f =
        facts("def counter():\n    n = 0\n    def inc():\n        return n + 1\n    return inc\n");
    assert!(has_feature(&f, Feature::Closure));
    assert!(!has_feature(&f, Feature::DecoratorDefinition));
    let f = facts("from flask import Flask\napp = Flask(__name__)\n@app.route('/')\ndef index():\n    return 'x'\n");
    assert!(
        !has_feature(&f, Feature::DecoratorDefinition),
        "using a decorator is not defining one"
    );
}

#[test]
fn test_functions_need_an_assertion_in_a_test_file() {
    let src = "def test_add():\n    assert 1 + 1 == 2\n\ndef test_nothing():\n    pass\n";
    let f = facts_at("tests/test_math.py", src, &[]);
    assert_eq!(
        f.features
            .iter()
            .filter(|(x, _, _)| *x == Feature::TestFunction)
            .count(),
        1
    );
    let f = facts_at("math_utils.py", src, &[]);
    assert!(
        !has_feature(&f, Feature::TestFunction),
        "outside test files, test_* is just a name"
    );
    let f = facts_at("tests/test_u.py", "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(1, 1)\n", &[]);
    assert!(has_feature(&f, Feature::TestFunction));
}

#[test]
fn exceptions_are_classified() {
    let f = facts("try:\n    x = 1\nexcept ValueError as e:\n    raise RuntimeError('x') from e\nelse:\n    pass\nfinally:\n    pass\n");
    for feature in [
        Feature::ExceptSpecific,
        Feature::RaiseFrom,
        Feature::TryElse,
        Feature::TryFinally,
    ] {
        assert!(has_feature(&f, feature), "{feature:?}");
    }
    let f = facts("try:\n    x = 1\nexcept:\n    pass\n");
    assert!(has_feature(&f, Feature::ExceptBroad));
    assert_eq!(stated(&f, Feature::BareExcept), vec![(3, "")]);
    assert!(!has_feature(&f, Feature::ExceptPass), "bare is told first");
    let f = facts("try:\n    x = 1\nexcept:\n    log()\n    raise\n");
    assert!(
        !has_feature(&f, Feature::BareExcept) && !has_feature(&f, Feature::ExceptPass),
        "a bare except that re-raises does not swallow"
    );
}

#[test]
fn broad_excepts_that_only_pass_are_told() {
    let f =
        facts("for i in x:\n    try:\n        y()\n    except Exception as e:\n        continue\n");
    assert_eq!(stated(&f, Feature::ExceptPass), vec![(4, "")]);
    let f = facts("try:\n    y()\nexcept BaseException:\n    ...\n");
    assert_eq!(stated(&f, Feature::ExceptPass), vec![(3, "")]);
    let f = facts("try:\n    y()\nexcept Exception:\n    log()\n");
    assert!(!has_feature(&f, Feature::ExceptPass), "handled");
    let f = facts("try:\n    y()\nexcept ValueError:\n    pass\n");
    assert!(!has_feature(&f, Feature::ExceptPass), "not broad");
}

#[test]
fn string_built_sql_is_told_and_parameters_are_not() {
    let src = "import sqlite3\nconn = sqlite3.connect('x')\ndef find(name):\n    q = f\"SELECT * FROM users WHERE name = '{name}'\"\n    conn.execute(q)\n    conn.execute('SELECT * FROM users WHERE name = ?', (name,))\n    conn.execute(\"DELETE FROM t WHERE id = %s\" % name)\n";
    let f = facts(src);
    assert_eq!(
        stated(&f, Feature::SqlBuiltExecuted),
        vec![
            (5, "SQL built from strings (line 4)"),
            (7, "SQL built from strings")
        ]
    );
    assert!(f
        .features
        .iter()
        .any(|(x, l, _)| *x == Feature::SqlParameterized && *l == 6));
}

#[test]
fn secrets_in_code_are_told_but_not_in_tests_or_env() {
    let f = facts("import os\nAPI_KEY = 'a8f5f167f44f4964e6c998dee827110c'\nDB_PASSWORD = os.environ['DB_PASSWORD']\n");
    assert_eq!(stated(&f, Feature::SecretAssignment), vec![(2, "API_KEY")]);
    let f = facts("connect(password='hunter22')\ncfg = {'api_key': 'a8f5f167f44f'}\n");
    assert_eq!(
        stated(&f, Feature::SecretAssignment),
        vec![(1, "password"), (2, "api_key")]
    );
    let f = facts_at(
        "tests/test_login.py",
        "def test_login():\n    password = 'hunter22'\n    assert password\n",
        &[],
    );
    assert!(!has_feature(&f, Feature::SecretAssignment));
    let f = facts("aws = 'AKIAIOSFODNN7EXAMPLE'\n");
    assert_eq!(
        stated(&f, Feature::SecretLiteral),
        vec![(1, "an AWS access key")]
    );
    assert!(!has_feature(&f, Feature::SecretAssignment));
}

#[test]
fn a_credential_is_told_once_a_line() {
    let f = facts("GITHUB_TOKEN = 'ghp_aB3dE5fG7hJ9kM2nP4qR6sU8vW1yZ3bC5dF7g'\n");
    assert_eq!(
        stated(&f, Feature::SecretAssignment),
        vec![(1, "GITHUB_TOKEN")]
    );
    assert!(
        !has_feature(&f, Feature::SecretLiteral),
        "the assignment already says it"
    );
    let f = facts("keys = ['AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLF']\n");
    assert_eq!(
        stated(&f, Feature::SecretLiteral),
        vec![(1, "an AWS access key")]
    );
}

/// The keyword arguments a call or class statement names, as rules see them.
fn keywords_of(f: &PythonFacts, qname: &str) -> Vec<(String, Vec<String>)> {
    f.refs
        .iter()
        .filter(|r| r.qname == qname)
        .filter_map(|r| r.keywords.as_ref())
        .flat_map(|k| k.iter().cloned())
        .collect()
}

#[test]
fn keyword_arguments_keep_their_literal_values() {
    let f = facts(
        "import flask\napp = flask.Flask(__name__)\n@app.route('/x', methods=['POST', \"PUT\"], strict_slashes=False)\ndef x(): pass\n",
    );
    assert_eq!(
        keywords_of(&f, "flask.Flask().route"),
        vec![
            (
                "methods".to_string(),
                vec!["POST".to_string(), "PUT".to_string()]
            ),
            ("strict_slashes".to_string(), vec!["False".to_string()]),
        ]
    );
}

#[test]
fn keyword_arguments_of_a_class_statement_and_computed_values() {
    let f = facts(
        "from sqlmodel import SQLModel\nclass Hero(SQLModel, table=True):\n    pass\nimport requests\nt = 3\nrequests.get('u', timeout=t)\n",
    );
    assert_eq!(
        keywords_of(&f, "sqlmodel.SQLModel"),
        vec![("table".to_string(), vec!["True".to_string()])]
    );
    assert_eq!(
        keywords_of(&f, "requests.get"),
        vec![("timeout".to_string(), vec![])]
    );
}

#[test]
fn what_a_def_returns_is_a_returned_reference() {
    let f = facts(
        "from flask import Flask\nfrom fastapi import FastAPI\ndef create_app():\n    app = Flask(__name__)\n    return app\ndef make():\n    return FastAPI()\ndef run():\n    app = Flask(__name__)\n    app.run()\n    return 0\n",
    );
    let returned: Vec<(&str, u32)> = f
        .refs
        .iter()
        .filter(|r| r.roles & role::RETURN != 0)
        .map(|r| (r.qname.as_str(), r.line))
        .collect();
    assert_eq!(
        returned,
        vec![("flask.Flask()", 5), ("fastapi.FastAPI()", 7)]
    );
    // The call itself stays a call, as before.
    assert!(has_ref(&f, "fastapi.FastAPI", role::CALL));
}

#[test]
fn eval_of_computed_text_is_dynamic_code() {
    let f = facts(
        "def run(expr, code):\n    eval(expr)\n    exec(code)\n    eval('1 + 1')\n    eval()\n",
    );
    assert_eq!(
        stated(&f, Feature::DynamicCodeExecution),
        vec![(2, "eval"), (3, "exec")]
    );
}

#[test]
fn debugger_calls_are_plain_call_references() {
    let f = facts("def f():\n    breakpoint()\n");
    assert!(
        f.refs
            .iter()
            .any(|r| r.qname == "builtins.breakpoint" && r.roles & role::CALL != 0 && r.line == 2),
        "{:?}",
        f.refs
    );
    let f = facts("import pdb\npdb.set_trace()\n");
    assert!(has_ref(&f, "pdb.set_trace", role::CALL));
}

#[test]
fn django_debug_only_in_settings() {
    let f = facts_at("shop/settings.py", "DEBUG = True\n", &[]);
    assert_eq!(stated(&f, Feature::DjangoDebugTrue), vec![(1, "")]);
    let f = facts_at("shop/views.py", "DEBUG = True\n", &[]);
    assert!(!has_feature(&f, Feature::DjangoDebugTrue));
}

#[test]
fn syntax_errors_keep_what_parsed() {
    let f = facts("import re\nPAT = re.compile('x')\ndef broken(:\n    pass\n");
    assert!(f.syntax_error);
    assert!(has_ref(&f, "re.compile", role::CALL));
}

#[test]
fn metrics_count_annotations_without_self() {
    let f = facts("class A:\n    def m(self, x: int, y) -> int:\n        '''Doc.'''\n        return x\n    @staticmethod\n    def s(z):\n        return z\n");
    let m = f.metrics;
    assert_eq!((m.params_annotated, m.params_annotatable), (1, 3));
    assert_eq!((m.returns_annotated, m.returns_annotatable), (1, 2));
    assert_eq!(m.docstrings, 1);
}

#[test]
fn star_imports_and_builtins_resolve() {
    let f = facts(
        "from tkinter import *\nroot = Tk()\nx = float('1')\nclass E(Exception):\n    pass\n",
    );
    assert!(has_ref(&f, "tkinter.Tk", role::CALL));
    assert!(
        has_ref(&f, "builtins.float", role::CALL),
        "a builtin is not the star import's: {:?}",
        f.refs
    );
    assert!(has_ref(&f, "builtins.Exception", role::BASE));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let src = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let _ = facts(&src);
    let src = format!("y = 1{}\n", " + 1".repeat(20000));
    let _ = facts(&src);
}

#[test]
fn self_resolves_through_an_imported_base() {
    let src = "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        with self.subTest(i=1):\n            self.assertEqual(1, 1)\n";
    let f = facts_at("tests/test_u.py", src, &["tests"]);
    assert!(
        f.deferred
            .iter()
            .any(|r| r.qname == "tests.test_u.T().subTest" && r.roles & role::WITH != 0),
        "{:?}",
        f.deferred
    );
    let plain = facts("class P:\n    def m(self):\n        return self.x.y()\n");
    assert!(
        plain.deferred.is_empty() && plain.refs.is_empty(),
        "a class with no imported base keeps self local"
    );
}

#[test]
fn pytest_builtin_fixtures_are_typed_by_name() {
    let f = facts_at("tests/test_x.py", "def test_x(mocker, monkeypatch):\n    mocker.patch('a.b')\n    monkeypatch.setenv('A', '1')\n    assert True\n", &[]);
    assert!(has_ref(&f, "pytest_mock.MockerFixture().patch", role::CALL));
    assert!(has_ref(&f, "pytest.MonkeyPatch().setenv", role::CALL));
    let f = facts("def helper(mocker):\n    mocker.patch('a')\n");
    assert!(
        f.refs.is_empty(),
        "outside tests a parameter named mocker is just a name"
    );
}

#[test]
fn tuples_and_subscripts_keep_their_chains() {
    let f = facts("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1])\n");
    assert!(has_ref(&f, "matplotlib.pyplot.subplots().plot", role::CALL));
    let f = facts("from pymongo import MongoClient\nclient = MongoClient()\ndb = client['shop']\ndb['users'].insert_one({})\n");
    assert!(
        has_ref(&f, "pymongo.MongoClient().insert_one", role::CALL),
        "{:?}",
        f.refs
    );
}

#[test]
fn writing_the_environment_is_not_reading_it() {
    let f = facts("import os\nos.environ['A'] = 'x'\n");
    assert!(
        f.refs.iter().all(|r| r.roles == role::WRITE),
        "{:?}",
        f.refs
    );
    let f = facts("import os\nA = os.environ['A']\n");
    assert!(has_ref(&f, "os.environ", role::USE));
}

#[test]
fn local_imports_are_features_not_library_imports() {
    let f = facts_at(
        "proj/tasks.py",
        "from celery import shared_task\nfrom . import models\nimport proj.utils\n",
        &["proj"],
    );
    assert!(f.imports.iter().any(|(m, _)| m == "celery"));
    assert!(
        !f.imports.iter().any(|(m, _)| m.starts_with("proj")),
        "{:?}",
        f.imports
    );
    assert_eq!(
        f.features
            .iter()
            .filter(|(x, _, _)| *x == Feature::LocalImport)
            .count(),
        2
    );
}

#[test]
fn sqlalchemy_text_and_read_sql_are_understood() {
    let f = facts("from sqlalchemy import text\ndef q(s, uid):\n    s.execute(text('SELECT * FROM u WHERE id = :id'), {'id': uid})\n");
    assert!(has_feature(&f, Feature::SqlParameterized));
    let f = facts(
        "import pandas as pd\ndef q(conn):\n    return pd.read_sql('SELECT * FROM users', conn)\n",
    );
    assert!(has_feature(&f, Feature::SqlExecuted));
    assert!(
        !has_feature(&f, Feature::SqlParameterized),
        "read_sql's second argument is the connection"
    );
}

#[test]
fn linked_nodes_hold_nodes_not_flags() {
    let f = facts("class Node:\n    def __init__(self, v):\n        self.next = None\n");
    assert!(has_feature(&f, Feature::LinkedNodeClass));
    let f = facts("class Player:\n    def __init__(self):\n        self.left = False\n        self.right = False\n");
    assert!(!has_feature(&f, Feature::LinkedNodeClass));
}

/// Token soup and random bytes: whatever a repository holds, analysis ends
/// without a panic (a deterministic generator, so a failure reproduces).
#[test]
fn garbage_never_panics() {
    const TOKENS: &[&str] = &[
        "def ",
        "class ",
        "(",
        ")",
        ":",
        "\n",
        "    ",
        "import ",
        "from ",
        " as ",
        "self",
        ".",
        "x",
        "json",
        "=",
        "\"SELECT * FROM t WHERE a = %s\" % ",
        "f\"{",
        "}\"",
        "lambda",
        "yield",
        "await ",
        "async ",
        "with ",
        "except",
        "try:",
        "raise ",
        "@",
        "[",
        "]",
        ",",
        "*",
        "**",
        "match ",
        "case ",
        "'''",
        "os.environ[",
        "requests.get(",
        "timeout=",
        "super().",
        "->",
        "#",
        "\\",
        "\t",
        "é",
        "\0",
    ];
    const CONFIG_PATHS: &[&str] = &[
        "requirements.txt",
        "requirements/dev.txt",
        "pyproject.toml",
        "Pipfile",
        "Pipfile.lock",
        "setup.cfg",
        "environment.yml",
        "uv.lock",
        "poetry.lock",
        "pylock.toml",
        "conda-lock.yml",
        "mypy.ini",
        ".coveragerc",
        "ruff.toml",
        "pyrightconfig.json",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "azure-pipelines.yml",
        ".travis.yml",
        "Jenkinsfile",
        "tox.ini",
        ".pre-commit-config.yaml",
        "Dockerfile",
        "docker-compose.yml",
        "k8s/deployment.yaml",
        "main.tf",
        "template.yaml",
        "Procfile",
        "fly.toml",
        "app.yaml",
        "serverless.yml",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..400 {
        let len = (next() % 300) as usize;
        let src: String = (0..len)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        let _ = facts_at("tests/test_soup.py", &src, &["tests"]);
        let _ = facts(&src);
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = facts(&text);
        let _ = crate::analyze::notebook::extract(&bytes);
        let _ = crate::analyze::notebook::extract(src.as_bytes());
        // Every configuration analyzer, chosen by a path of its kind.
        for path in CONFIG_PATHS {
            if let Some(kind) = crate::analyze::config::kind_of(path) {
                let _ = crate::analyze::config::analyze(kind, &text);
                let _ = crate::analyze::config::analyze(kind, &src);
            }
        }
        let _ = facts_at("setup.py", &src, &[]);
        let _ = facts_at("noxfile.py", &src, &[]);
        let _ = crate::analyze::dotenv::analyze(&src);
    }
}
