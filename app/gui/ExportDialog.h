#pragma once
// Asks where and how to export the current figure: format (from the file name), size in
// pixels at 96 dpi and PNG resolution. Remembers the last choices. GUI thread only.

#include "tessera/widgets/FigureExporter.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace tessera::app {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(const QString &suggestedName, const QSize &defaultSize, bool dataOnly, QWidget *parent = nullptr);

    QString path() const;
    widgets::ExportFormat format() const;
    widgets::ExportOptions options() const;

    void accept() override;

private:
    void browse();
    void syncSuffix();

    QLineEdit *m_path;
    QComboBox *m_format;
    QSpinBox *m_width;
    QSpinBox *m_height;
    QSpinBox *m_dpi;
};

} // namespace tessera::app
