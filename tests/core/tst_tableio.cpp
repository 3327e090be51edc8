// Position tables from CSV, NPY and safetensors (the fixture's ViT), and CSV writing.

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/TableIO.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tessera;

namespace {
std::string writeText(const QTemporaryDir &dir, const char *name, const std::string &text)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}
const std::string kVit = TESSERA_TEST_DATA "/hf/vit-tiny/model.safetensors";
} // namespace

class TestTableIO : public QObject {
    Q_OBJECT
private slots:
    void vitPositionTableFromTheFixture()
    {
        const std::vector<std::string> keys = matrixKeys(kVit);
        QVERIFY(!keys.empty());
        QCOMPARE(keys.front(), std::string("vit.embeddings.position_embeddings"));
        const Matrix table = readMatrix(kVit);
        QCOMPARE(table.rows, 17); // 16 patches + CLS, shape [1, 17, 32] with the batch dimension dropped
        QCOMPARE(table.cols, 32);
        // Read from the file with Python's struct module, not with this reader.
        QCOMPARE(table.at(0, 0), 0.3696536719799042f);
        QCOMPARE(table.at(1, 5), 0.8209338784217834f);
        QCOMPARE(table.at(16, 31), 0.5670841932296753f);
        double sum = 0.0;
        for (float v : table.values)
            sum += v;
        QVERIFY(std::abs(sum - 3.508845089818351) < 1e-4);
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(kVit, "no.such.key"));
    }

    void csv()
    {
        QTemporaryDir dir;
        const Matrix m = readMatrix(writeText(dir, "t.csv", "a,b,c\n1,2,3\n4.5;-6e-1\t7\n\n# comment\nnan,inf,-inf\n"));
        QCOMPARE(m.rows, 3);
        QCOMPARE(m.cols, 3);
        QCOMPARE(m.at(1, 0), 4.5f);
        QCOMPARE(m.at(1, 1), -0.6f);
        QVERIFY(std::isnan(m.at(2, 0)));
        QVERIFY(std::isinf(m.at(2, 2)) && m.at(2, 2) < 0);
        try {
            readMatrix(writeText(dir, "ragged.csv", "1,2\n3\n"));
            QFAIL("ragged CSV accepted");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("line 2 has 1 values"));
        }
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "words.csv", "1,2\nx,y\n")));
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "empty.csv", "")));
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "binary.csv", std::string("\x00\xff\xfe\x01", 4))));
    }

    // The first row is a header only when no cell of it looks like a number: a byte order mark
    // is stripped, a number that overflows or is written in hex is an error naming line and
    // column, and the first row is never lost silently.
    void csvFirstRow()
    {
        QTemporaryDir dir;
        const Matrix bom = readMatrix(writeText(dir, "bom.csv",
                                                "\xEF\xBB\xBF"
                                                "1,2\n3,4\n"));
        QCOMPARE(bom.rows, 2);
        QCOMPARE(bom.at(0, 0), 1.0f);
        const Matrix header = readMatrix(writeText(dir, "bom-header.csv",
                                                   "\xEF\xBB\xBF"
                                                   "x,y\n3,4\n"));
        QCOMPARE(header.rows, 1);
        auto expectError = [&](const char *name, const std::string &text, std::initializer_list<const char *> parts) {
            try {
                readMatrix(writeText(dir, name, text));
                QFAIL(qPrintable(QString("no error for ") + name));
            } catch (const Error &e) {
                for (const char *part : parts)
                    QVERIFY2(QString::fromUtf8(e.what()).contains(part), e.what());
            }
        };
        expectError("overflow.csv", "1,1e400\n3,4\n", {"line 1, column 2", "1e400", "range"});
        expectError("hex.csv", "0x10,2\n3,4\n", {"line 1, column 1", "0x10", "not a number"});
        expectError("later.csv", "1,2\n3,abc\n", {"line 2, column 2", "abc"});
    }

    void npy()
    {
        QTemporaryDir dir;
        // numpy.save of np.array([[1, 2, 3], [4, 5, 6]], dtype='<f4'), built by hand.
        std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        while ((10 + header.size() + 1) % 64 != 0)
            header += ' ';
        header += '\n';
        std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
        bytes += char(header.size() & 0xff);
        bytes += char(header.size() >> 8);
        bytes += header;
        const float values[] = {1, 2, 3, 4, 5, 6};
        bytes.append(reinterpret_cast<const char *>(values), sizeof values);
        const Matrix m = readMatrix(writeText(dir, "t.npy", bytes));
        QCOMPARE(m.rows, 2);
        QCOMPARE(m.cols, 3);
        QCOMPARE(m.at(1, 2), 6.0f);
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "short.npy", bytes.substr(0, bytes.size() - 4))));
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "notnpy.npy", "hello world")));
        // A shape whose element count overflows 64 bits is refused, not wrapped.
        const std::string to = "(3, 6148914691236517206)";
        std::string header2 = "{'descr': '<f4', 'fortran_order': False, 'shape': " + to + ", }";
        while ((10 + header2.size() + 1) % 64 != 0)
            header2 += ' ';
        header2 += '\n';
        std::string evil = std::string("\x93NUMPY\x01\x00", 8);
        evil += char(header2.size() & 0xff);
        evil += char(header2.size() >> 8);
        evil += header2;
        evil.append(8, '\0');
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "overflow.npy", evil)));
        // fortran_order must be True or False, and the data exactly what the shape needs.
        std::string yes = bytes;
        yes.replace(yes.find("False"), 5, "'yes'");
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "yes.npy", yes)));
        // The table fuzz target's finding: 'fortran_order' the last key, with nothing after its
        // colon, escaped as std::out_of_range; now a tessera::Error.
        std::string empty = "{'descr': '<f4', 'shape': (2, 3), 'fortran_order':";
        while ((10 + empty.size()) % 64 != 0) // spaces to the end of the header, no newline
            empty += ' ';
        std::string cut = std::string("\x93NUMPY\x01\x00", 8);
        cut += char(empty.size() & 0xff);
        cut += char(empty.size() >> 8);
        cut += empty + std::string(24, '\0');
        QVERIFY_THROWS_EXCEPTION(Error, readMatrix(writeText(dir, "no-order.npy", cut)));
        try {
            readMatrix(writeText(dir, "trailing.npy", bytes + "junk"));
            QFAIL("trailing bytes accepted");
        } catch (const Error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("4 byte(s) after"), e.what());
        }
    }

    void picklesAreRefused()
    {
        QTemporaryDir dir;
        try {
            readMatrix(writeText(dir, "pytorch_model.bin", "\x80\x02}q\x00."));
            QFAIL("pickle accepted");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("safetensors"));
        }
    }

    void csvWriting()
    {
        QTemporaryDir dir;
        Matrix m(2, 2);
        m.at(0, 0) = 0.1f;
        m.at(0, 1) = -2.0f;
        m.at(1, 0) = std::numeric_limits<float>::quiet_NaN();
        m.at(1, 1) = 1e-7f;
        const std::string path = dir.filePath("out.csv").toStdString();
        writeCsv(path, m, {"x", "y"});
        QCOMPARE(readFile(path), std::string("x,y\n0.1,-2\nnan,1e-07\n"));
        // Reading it back gives the same floats: shortest round-trip text.
        const Matrix back = readMatrix(path);
        QCOMPARE(back.at(0, 0), 0.1f);
        QCOMPARE(back.at(1, 1), 1e-7f);
        writeCsvColumns(path, {"k", "v"}, {{0, 1}, {2.5, 3.5}});
        QCOMPARE(readFile(path), std::string("k,v\n0,2.5\n1,3.5\n"));
        // RFC 4180: header names and text cells holding a comma, a quote, a line break or an
        // edge space are quoted, quotes doubled; plain cells are left alone.
        writeCsvColumns(path, {"rank", "p(a, b)"}, {{1}, {0.5}});
        QCOMPARE(readFile(path), std::string("rank,\"p(a, b)\"\n1,0.5\n"));
        writeCsvText(path, {"token", "text"}, {{"Ġthe", " the"}, {"say \"hi\"", "a\nb"}, {"plain"}});
        QCOMPARE(readFile(path), std::string("token,text\nĠthe,\" the\"\n\"say \"\"hi\"\"\",\"a\nb\"\nplain\n"));
        QVERIFY_THROWS_EXCEPTION(Error, writeCsvText(path, {"one"}, {{"a", "b"}}));
        // A write into a folder that does not exist fails with the file's name.
        try {
            writeCsv(dir.filePath("none/out.csv").toStdString(), m);
            QFAIL("write into a missing folder succeeded");
        } catch (const Error &e) {
            QVERIFY(QString(e.what()).contains("none/out.csv"));
        }
    }
};

QTEST_GUILESS_MAIN(TestTableIO)
#include "tst_tableio.moc"
