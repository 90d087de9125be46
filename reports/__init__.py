"""The weekly situation report (社会治理形势分析报告): the week's figures gathered from the store, drawn and filed."""
